/// A domain name in uncompressed wire form (RFC 1035 §3.1): length-prefixed labels ending with
/// the root label. Case is kept as given; `lowercased()` gives the canonical form used as a key.
public struct DNSName: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Uncompressed wire bytes, including the terminating zero.
    public private(set) var wire: [UInt8]

    public static let root = DNSName(uncheckedWire: [0])

    /// The wire bytes hashed in one go (the derived conformance would feed the hasher a byte
    /// at a time: a tenth of a large zone's load went there). Equality stays byte-wise.
    public func hash(into hasher: inout Hasher) {
        wire.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
    public static let maxWireLength = 255
    public static let maxLabelLength = 63

    /// Trusts `wire` to be a well-formed uncompressed name.
    public init(uncheckedWire wire: [UInt8]) { self.wire = wire }

    /// Validates uncompressed wire bytes (label lengths, total length, terminator at the end).
    public init?(wire: [UInt8]) {
        var i = 0
        while i < wire.count {
            let len = Int(wire[i])
            if len == 0 { break }
            if len > Self.maxLabelLength { return nil }
            i += 1 + len
        }
        guard i == wire.count - 1, wire.count <= Self.maxWireLength else { return nil }
        self.wire = wire
    }

    /// Parses presentation format (RFC 1035 §5.1): `www.example.com.`, with `\.` and `\DDD` escapes.
    /// A name without the trailing dot is taken as absolute as well, unless `origin` is given.
    public init(_ text: String, origin: DNSName? = nil) throws(DNSNameError) {
        if text == "." { self = .root; return }
        if text == "@", let origin { self = origin; return }
        var wire: [UInt8] = []
        var label: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        var absolute = false
        func closeLabel() throws(DNSNameError) {
            guard !label.isEmpty else { throw DNSNameError.emptyLabel(text) }
            guard label.count <= Self.maxLabelLength else { throw DNSNameError.labelTooLong(text) }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
            label.removeAll(keepingCapacity: true)
        }
        while let c = bytes.popFirst() {
            if c == UInt8(ascii: ".") {
                try closeLabel()
                if bytes.isEmpty { absolute = true }
            } else if c == UInt8(ascii: "\\") {
                guard let n = bytes.popFirst() else { throw DNSNameError.badEscape(text) }
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(n) {
                    guard bytes.count >= 2,
                          let d2 = bytes.popFirst(), let d3 = bytes.popFirst(),
                          (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(d2),
                          (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(d3)
                    else { throw DNSNameError.badEscape(text) }
                    let v = Int(n - 48) * 100 + Int(d2 - 48) * 10 + Int(d3 - 48)
                    guard v <= 255 else { throw DNSNameError.badEscape(text) }
                    label.append(UInt8(v))
                } else {
                    label.append(n)
                }
            } else {
                label.append(c)
            }
        }
        if !label.isEmpty { try closeLabel() }
        if !absolute, let origin {
            wire.append(contentsOf: origin.wire.dropLast())
        }
        wire.append(0)
        guard wire.count <= Self.maxWireLength else { throw DNSNameError.nameTooLong(text) }
        self.wire = wire
    }

    public var isRoot: Bool { wire.count == 1 }

    /// Number of labels, not counting the root.
    public var labelCount: Int {
        var n = 0, i = 0
        while wire[i] != 0 { n += 1; i += 1 + Int(wire[i]) }
        return n
    }

    /// The name with the first label removed; nil for the root.
    public var parent: DNSName? {
        guard !isRoot else { return nil }
        return DNSName(uncheckedWire: Array(wire[(1 + Int(wire[0]))...]))
    }

    /// First label's bytes.
    public var firstLabel: ArraySlice<UInt8> { wire[1..<(1 + Int(wire[0]))] }

    public var isWildcard: Bool { wire.count >= 2 && wire[0] == 1 && wire[1] == UInt8(ascii: "*") }

    public func lowercased() -> DNSName {
        DNSName(uncheckedWire: wire.map(asciiLowercase))
    }

    /// Prepends one label (`label.self`).
    public func prepending(label: some Collection<UInt8>) -> DNSName {
        DNSName(uncheckedWire: [UInt8(label.count)] + label + wire)
    }

    /// Case-insensitive: is `self` equal to or below `other`?
    public func isSubdomain(of other: DNSName) -> Bool {
        guard wire.count >= other.wire.count else { return false }
        // Walk label boundaries so that `xexample.com` is not taken as below `example.com`.
        var i = 0
        let offset = wire.count - other.wire.count
        while i < offset { i += 1 + Int(wire[i]) }
        guard i == offset else { return false }
        for k in 0..<other.wire.count where asciiLowercase(wire[offset + k]) != asciiLowercase(other.wire[k]) {
            return false
        }
        return true
    }

    public func equalsIgnoringCase(_ other: DNSName) -> Bool {
        wire.count == other.wire.count && isSubdomain(of: other)
    }

    /// Presentation format, absolute, with RFC 4343 escapes.
    public var description: String {
        if isRoot { return "." }
        var out = ""
        var i = 0
        while wire[i] != 0 {
            let len = Int(wire[i])
            for b in wire[(i + 1)...(i + len)] {
                switch b {
                case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "("),
                     UInt8(ascii: ")"), UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "$"):
                    out.append("\\")
                    out.append(Character(UnicodeScalar(b)))
                case 0x21...0x7E:
                    out.append(Character(UnicodeScalar(b)))
                default:
                    let s = String(b)
                    out.append("\\" + String(repeating: "0", count: 3 - s.count) + s)
                }
            }
            out.append(".")
            i += 1 + len
        }
        return out
    }

    /// RFC 4034 §6.1 canonical order (labels compared right to left, case-insensitively).
    public static func < (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.canonicalSortKey.lexicographicallyPrecedes(rhs.canonicalSortKey)
    }

    /// A key whose plain lexicographic order is the canonical order (RFC 4034 §6.1): labels
    /// from the rightmost, each lowercased byte as its value + 1 and a 0 after every label, so
    /// that a label sorts before any longer label it is a prefix of. Sorting many names by key
    /// computes it once per name instead of twice per comparison.
    public var canonicalSortKey: [UInt16] {
        var starts: [Int] = []
        var i = 0
        while wire[i] != 0 {
            starts.append(i)
            i += 1 + Int(wire[i])
        }
        var key: [UInt16] = []
        key.reserveCapacity(wire.count)
        for start in starts.reversed() {
            for b in wire[(start + 1)...(start + Int(wire[start]))] { key.append(UInt16(asciiLowercase(b)) + 1) }
            key.append(0)
        }
        return key
    }

    /// Labels in order, without length bytes.
    public var labels: [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        while wire[i] != 0 {
            let len = Int(wire[i])
            out.append(wire[(i + 1)...(i + len)])
            i += 1 + len
        }
        return out
    }
}

public enum DNSNameError: Error, Equatable, CustomStringConvertible {
    case emptyLabel(String)
    case labelTooLong(String)
    case nameTooLong(String)
    case badEscape(String)

    public var description: String {
        switch self {
        case .emptyLabel(let t): "empty label in name '\(t)'"
        case .labelTooLong(let t): "label longer than 63 bytes in name '\(t)'"
        case .nameTooLong(let t): "name longer than 255 bytes: '\(t)'"
        case .badEscape(let t): "bad escape in name '\(t)'"
        }
    }
}

/// ASCII-only case folding (RFC 4343 §3): bytes outside A–Z are left alone.
@inline(__always)
public func asciiLowercase(_ b: UInt8) -> UInt8 {
    (b &- 0x41) < 26 ? b | 0x20 : b
}
