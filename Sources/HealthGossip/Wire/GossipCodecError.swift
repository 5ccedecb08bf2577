extension GossipCodec {
    /// Why a message does not fit the wire format: one vocabulary for both directions, since the
    /// encoder refuses exactly what the decoder would. Raw values are short and stable, for
    /// metric labels.
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        /// A field runs past the end of the payload.
        case truncated
        /// A message kind or update tag this version does not know.
        case unknownTag = "unknown_tag"
        /// An enum raw value, flag bit or number outside its range (capacity above 1000‰).
        case badValue = "bad_value"
        /// A string length outside its field's bounds.
        case badLength = "bad_length"
        case badUTF8 = "bad_utf8"
        /// A count above its field's bound (endpoints, updates).
        case tooMany = "too_many"
        /// Bytes after the last update: the payload is not what the sender meant to say.
        case trailingBytes = "trailing_bytes"
        /// The encoding budget cannot hold even the message kind and the update count.
        case overBudget = "over_budget"
    }

    /// Why a payload did not decode, and where (field and byte offset), so that a format
    /// mismatch between two versions can be found from one log line. Payloads come from peers
    /// that hold the key, so a decode error means a bug or a version skew, never just noise.
    public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
        public var reason: Reason
        public var field: String
        /// Where the offending field starts in the payload.
        public var offset: Int

        public init(_ reason: Reason, field: String, offset: Int) {
            (self.reason, self.field, self.offset) = (reason, field, offset)
        }

        public var label: String { reason.rawValue }
        public var description: String { "\(field) at byte \(offset): \(reason.rawValue)" }
    }

    /// A value the wire format cannot carry. Thrown rather than trapped on: the values come from
    /// configuration and local state, and one bad update must cost that update, not the node.
    public struct EncodeError: Error, Hashable, Sendable, CustomStringConvertible {
        public var reason: Reason
        public var field: String
        /// The index, in the updates passed to `encode`, of the update at fault; nil when the
        /// message kind or the budget is. The caller drops that update and encodes again.
        public var update: Int?

        public init(_ reason: Reason, field: String, update: Int? = nil) {
            (self.reason, self.field, self.update) = (reason, field, update)
        }

        public var description: String { (update.map { "update \($0): " } ?? "") + "\(field): \(reason.rawValue)" }
    }
}
