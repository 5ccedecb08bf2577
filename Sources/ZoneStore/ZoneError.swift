/// A problem found in a zone file, reported as `file:line: message` (like named-checkzone).
public struct ZoneError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        case unreadable
        case syntax
        case include
        case missingSOA
        case multipleSOA
        case missingApexNS
        case outOfZone
        case cnameAndOtherData
        case badClass
        case badType
    }

    public var code: Code
    public var file: String
    /// 1-based; 0 when the problem is about the file as a whole.
    public var line: Int
    public var message: String

    public init(_ code: Code, file: String, line: Int, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
