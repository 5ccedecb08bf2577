/// A configuration problem at a place in a file, printed as `file:line: message` (the form
/// named-checkzone and compilers use, which editors can jump to). Zone files and topology files
/// report through it, each with its own set of codes.
public struct LocatedError<Code: Hashable & Sendable>: Error, Hashable, Sendable, CustomStringConvertible {
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
