import CLDNS
import DNSWire
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads one `*.zone` file (RFC 1035 §5) with ldns, record by record, and turns it into `ZoneData`.
///
/// ldns does the record syntax (`$ORIGIN`, `$TTL`, relative names, every type it knows, RFC 3597
/// generic `TYPEnnn \# …`). It does not follow `$INCLUDE`, so this loader splits the text at
/// `$INCLUDE` lines and feeds the pieces and the included files to ldns in order, carrying the
/// origin, default TTL and previous owner across them, and mapping every line back to its file.
/// This is the only file in Meridian that touches ldns.
public struct ZoneFileLoader: Sendable {
    /// `$INCLUDE` nesting deeper than this is an error (it is also how loops are caught).
    public static let maxIncludeDepth = 8
    /// TTL for records before any `$TTL` and without their own.
    public static let defaultTTL: UInt32 = 3600
    /// Stop collecting syntax errors after this many, like named-checkzone.
    public static let maxErrors = 50

    /// Folder that `$INCLUDE` paths are relative to.
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// The origin a file name implies: `example.com.zone` → `example.com.`.
    public static func origin(forFileNamed name: String) -> DNSName? {
        guard name.hasSuffix(".zone") else { return nil }
        return try? DNSName(String(name.dropLast(5)) + ".")
    }

    /// Loads `directory/fileName`. On failure, every error found (file, line, message).
    public func load(fileNamed fileName: String) -> Result<ZoneData, ZoneLoadFailure> {
        let path = directory + "/" + fileName
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(ZoneLoadFailure([ZoneError(.unreadable, file: fileName, line: 0, "cannot read file")]))
        }
        guard var origin = Self.origin(forFileNamed: fileName) else {
            return .failure(ZoneLoadFailure([ZoneError(.unreadable, file: fileName, line: 0, "zone file names end in .zone")]))
        }
        if let explicit = Self.leadingOrigin(in: text) {
            do { origin = try DNSName(explicit) } catch {
                return .failure(ZoneLoadFailure([ZoneError(.syntax, file: fileName, line: 1, "bad $ORIGIN: \(error)")]))
            }
        }
        var session = ParseSession(origin: origin)
        defer { session.close() }
        readText(text, file: fileName, firstLine: 1, depth: 0, session: &session)
        guard session.errors.isEmpty else { return .failure(ZoneLoadFailure(session.errors)) }
        return .success(ZoneData(origin: origin.lowercased(), records: session.records, file: fileName))
    }

    /// `$ORIGIN` given before the first record, which then names the zone instead of the file.
    static func leadingOrigin(in text: String) -> String? {
        // Only the first lines matter: read them one by one rather than splitting the whole
        // file (a million-record zone would be split twice).
        var rest = Substring(text)
        while !rest.isEmpty {
            let end = rest.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) ?? rest.endIndex
            let raw = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix(";") || line.hasPrefix("$TTL") { continue }
            guard line.hasPrefix("$ORIGIN") else { return nil }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.count >= 2 ? String(fields[1]) : nil
        }
        return nil
    }

    private func readText(_ text: String, file: String, firstLine: Int, depth: Int, session: inout ParseSession) {
        // Most zones have neither $INCLUDE nor CRLF: ldns reads the text as it is, without
        // splitting a large file into lines and joining them again.
        if !Self.contains(Array("$INCLUDE".utf8), in: text), !text.utf8.contains(UInt8(ascii: "\r")) {
            parse(text, file: file, firstLine: firstLine, session: &session)
            return
        }
        let lines = Self.lines(of: text)
        var segmentStart = 0
        var parenDepth = 0
        for (index, line) in lines.enumerated() {
            defer { parenDepth += Self.parenBalance(line) }
            guard parenDepth == 0, line.hasPrefix("$INCLUDE") else { continue }
            parse(lines[segmentStart..<index].joined(separator: "\n"), file: file, firstLine: firstLine + segmentStart, session: &session)
            include(line, file: file, line: firstLine + index, depth: depth, session: &session)
            segmentStart = index + 1
        }
        if segmentStart < lines.count {
            parse(lines[segmentStart...].joined(separator: "\n"), file: file, firstLine: firstLine + segmentStart, session: &session)
        }
    }

    /// RFC 1035 §5.1: `$INCLUDE <file-name> [<domain-name>]`; the origin reverts afterwards.
    private func include(_ directive: Substring, file: String, line: Int, depth: Int, session: inout ParseSession) {
        let fields = directive.split(separator: ";", maxSplits: 1)[0].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 2 || fields.count == 3 else {
            session.fail(ZoneError(.include, file: file, line: line, "$INCLUDE needs a file name and an optional origin"))
            return
        }
        guard depth < Self.maxIncludeDepth else {
            session.fail(ZoneError(.include, file: file, line: line, "$INCLUDE nested deeper than \(Self.maxIncludeDepth) (a loop?)"))
            return
        }
        let name = String(fields[1])
        let path = name.hasPrefix("/") ? name : directory + "/" + name
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            session.fail(ZoneError(.include, file: file, line: line, "cannot read included file '\(name)'"))
            return
        }
        let saved = session.origin.flatMap { ldns_rdf_clone($0) }
        if fields.count == 3 {
            let newOrigin = String(fields[2]).hasSuffix(".") ? String(fields[2]) : String(fields[2]) + "." + (session.originText ?? "")
            if let rdf = ldns_dname_new_frm_str(newOrigin) {
                session.replaceOrigin(rdf)
            } else {
                session.fail(ZoneError(.include, file: file, line: line, "bad origin '\(fields[2])' in $INCLUDE"))
                if let saved { ldns_rdf_deep_free(saved) }
                return
            }
        }
        readText(text, file: name, firstLine: 1, depth: depth + 1, session: &session)
        if let saved { session.replaceOrigin(saved) }
    }

    /// Feeds one piece of zone text to ldns, one record at a time.
    private func parse(_ text: String, file: String, firstLine: Int, session: inout ParseSession) {
        guard !text.allSatisfy({ $0.isWhitespace }) else { return }
        // Exactly one newline at the end: ldns counts a blank line after a failing last record
        // against that record's line number.
        var bytes = Array(text.utf8)
        while bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        bytes.append(UInt8(ascii: "\n"))
        // ldns's line counter runs ahead past blank and comment lines after a record, so the
        // line reported is computed here: the first line with content at or after the position
        // ldns started reading from.
        let text = bytes
        bytes.withUnsafeMutableBytes { raw in
            guard let fp = fmemopen(raw.baseAddress, raw.count, "r") else {
                session.fail(ZoneError(.unreadable, file: file, line: firstLine, "cannot open text for parsing"))
                return
            }
            defer { fclose(fp) }
            var ldnsLine: Int32 = 0
            var counter = LineCounter(text: text, firstLine: firstLine)
            while feof(fp) == 0, session.errors.count < Self.maxErrors {
                let line = counter.lineOfContent(from: ftell(fp))
                var rr: UnsafeMutablePointer<ldns_rr>?
                let status = ldns_rr_new_frm_fp_l(&rr, fp, &session.defaultTTL, &session.origin, &session.previous, &ldnsLine)
                if status == LDNS_STATUS_OK, let rr {
                    defer { ldns_rr_free(rr) }
                    session.records.append(Self.record(from: rr, file: file, line: line))
                } else if status == LDNS_STATUS_SYNTAX_EMPTY || status == LDNS_STATUS_SYNTAX_TTL || status == LDNS_STATUS_SYNTAX_ORIGIN {
                    continue
                } else {
                    let message = ldns_get_errorstr_by_id(status).map { String(cString: $0) } ?? "syntax error"
                    session.fail(ZoneError(.syntax, file: file, line: line, message.prefix(1).lowercased() + message.dropFirst()))
                }
            }
        }
    }

    /// Lines as ldns counts them. A CRLF pair is one `Character` in Swift, so splitting at
    /// `"\n"` alone would leave a CRLF file in one piece (and its `$INCLUDE`s unseen).
    /// Split on UTF-8 bytes: splitting the `String` by `Character` costs grapheme breaking for
    /// every byte of a large zone.
    static func lines(of text: String) -> [Substring] {
        let utf8 = text.utf8
        var lines: [Substring] = []
        var start = utf8.startIndex
        var i = start
        while i < utf8.endIndex {
            if utf8[i] == UInt8(ascii: "\n") {
                var end = i
                if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
                lines.append(text[start..<end])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        lines.append(text[start...])
        return lines
    }

    /// Whether `needle` occurs in `text`'s UTF-8 bytes. (The standard library's generic
    /// `text.utf8.contains(needle)` took 3.3 s on a 28 MB zone; this loop reads each byte once.)
    static func contains(_ needle: [UInt8], in text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= needle.count, let first = needle.first else { return needle.isEmpty }
            var i = 0
            while i <= bytes.count - needle.count {
                if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
                i += 1
            }
            return false
        }
    }

    static func parenBalance(_ line: Substring) -> Int {
        var balance = 0
        var quoted = false
        var escaped = false
        for c in line.utf8 {
            if escaped { escaped = false; continue }
            switch c {
            case UInt8(ascii: "\\"): escaped = true
            case UInt8(ascii: "\""): quoted.toggle()
            case UInt8(ascii: ";") where !quoted: return balance
            case UInt8(ascii: "(") where !quoted: balance += 1
            case UInt8(ascii: ")") where !quoted: balance -= 1
            default: break
            }
        }
        return balance
    }

    static func record(from rr: UnsafeMutablePointer<ldns_rr>, file: String, line: Int) -> ZoneRecord {
        let owner = DNSName(uncheckedWire: bytes(of: ldns_rr_owner(rr))).lowercased()
        let type = RRType(UInt16(truncatingIfNeeded: ldns_rr_get_type(rr).rawValue))
        var rdata: [UInt8] = []
        var nameOffsets: [Int16] = []
        for i in 0..<ldns_rr_rd_count(rr) {
            guard let rdf = ldns_rr_rdf(rr, i) else { continue }
            if ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME { nameOffsets.append(Int16(rdata.count)) }
            rdata.append(contentsOf: bytes(of: rdf))
        }
        let names = nameOffsets.isEmpty ? RDataNames.none : RDataNames(first: nameOffsets[0], second: nameOffsets.count > 1 ? nameOffsets[1] : -1)
        let additional: Int16 = [RRType.ns, .mx, .srv].contains(type) && !nameOffsets.isEmpty ? nameOffsets.last! : -1
        return ZoneRecord(
            owner: owner, type: type, rrClass: RRClass(UInt16(truncatingIfNeeded: ldns_rr_get_class(rr).rawValue)),
            ttl: ldns_rr_ttl(rr), rdata: rdata, names: names, additionalName: additional, file: file, line: line
        )
    }

    static func bytes(of rdf: UnsafeMutablePointer<ldns_rdf>?) -> [UInt8] {
        guard let rdf, let data = ldns_rdf_data(rdf) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: ldns_rdf_size(rdf)))
    }
}

/// Every error found while loading one zone.
public struct ZoneLoadFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [ZoneError]
    public init(_ errors: [ZoneError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Maps byte offsets in a piece of zone text to 1-based line numbers of its file.
private struct LineCounter {
    let text: [UInt8]
    var offset = 0
    var line: Int

    init(text: [UInt8], firstLine: Int) {
        self.text = text
        self.line = firstLine
    }

    /// Line of the first byte at or after `position` that is not blank space or a comment.
    mutating func lineOfContent(from position: Int) -> Int {
        while offset < min(position, text.count) {
            if text[offset] == UInt8(ascii: "\n") { line += 1 }
            offset += 1
        }
        var i = offset, l = line, inComment = false
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "\n") { l += 1; inComment = false }
            else if c == UInt8(ascii: ";") { inComment = true }
            else if !inComment, c != UInt8(ascii: " "), c != UInt8(ascii: "\t"), c != UInt8(ascii: "\r") { return l }
            i += 1
        }
        return l
    }
}

/// ldns parser state carried across pieces and included files.
private struct ParseSession {
    var origin: UnsafeMutablePointer<ldns_rdf>?
    var previous: UnsafeMutablePointer<ldns_rdf>?
    var defaultTTL: UInt32 = ZoneFileLoader.defaultTTL
    var records: [ZoneRecord] = []
    var errors: [ZoneError] = []

    init(origin: DNSName) {
        self.origin = ldns_dname_new_frm_str(origin.description)
    }

    var originText: String? {
        guard let origin else { return nil }
        return DNSName(uncheckedWire: ZoneFileLoader.bytes(of: origin)).description
    }

    mutating func replaceOrigin(_ rdf: UnsafeMutablePointer<ldns_rdf>) {
        if let origin { ldns_rdf_deep_free(origin) }
        origin = rdf
    }

    mutating func fail(_ error: ZoneError) { errors.append(error) }

    mutating func close() {
        if let origin { ldns_rdf_deep_free(origin) }
        if let previous { ldns_rdf_deep_free(previous) }
        origin = nil
        previous = nil
    }
}
