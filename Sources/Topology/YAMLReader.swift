import Yams

/// Reads typed fields out of a YAML document while keeping line numbers, collecting every
/// problem as a `TopologyError` instead of stopping at the first.
struct YAMLReader {
    let file: String
    var errors: [TopologyError] = []

    init(file: String) { self.file = file }

    /// Parses the text; a syntax error is recorded with its line and gives nil.
    mutating func document(_ text: String) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            errors.append(TopologyError(.syntax, file: file, line: Self.line(of: error), "YAML: \(Self.problem(of: error))"))
        } catch {
            errors.append(TopologyError(.syntax, file: file, line: 0, "YAML: \(error)"))
        }
        return nil
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: 0
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }

    static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    mutating func fail(_ code: TopologyErrorCode, at node: Node?, _ message: String) {
        errors.append(TopologyError(code, file: file, line: node.map(Self.line) ?? 0, message))
    }

    /// A mapping's entries with string keys, in order.
    mutating func mapping(_ node: Node, _ what: String) -> [(key: String, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            fail(.badValue, at: node, "\(what) must be a mapping")
            return nil
        }
        var entries: [(key: String, value: Node)] = []
        var seen: Set<String> = []
        for (key, value) in mapping {
            guard let name = key.string else {
                fail(.badValue, at: key, "\(what): keys must be strings")
                continue
            }
            if !seen.insert(name).inserted { fail(.duplicate, at: key, "\(what): '\(name)' given twice") }
            entries.append((name, value))
        }
        return entries
    }

    /// Flags keys that are not in `allowed` (a typo would otherwise be silently ignored).
    mutating func checkKeys(_ entries: [(key: String, value: Node)], allowed: Set<String>, in what: String) {
        for entry in entries where !allowed.contains(entry.key) {
            fail(.badValue, at: entry.value, "\(what): unknown key '\(entry.key)' (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func value(_ entries: [(key: String, value: Node)], _ key: String) -> Node? {
        entries.first { $0.key == key }?.value
    }

    mutating func string(_ entries: [(key: String, value: Node)], _ key: String, in what: String, at owner: Node, required: Bool = true) -> String? {
        guard let node = value(entries, key) else {
            if required { fail(.missingField, at: owner, "\(what): missing '\(key)'") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            fail(.badValue, at: node, "\(what): '\(key)' must be a single value")
            return nil
        }
        return scalar.string
    }

    mutating func int(_ entries: [(key: String, value: Node)], _ key: String, in what: String, at owner: Node, default defaultValue: Int? = nil, range: ClosedRange<Int>) -> Int? {
        guard let node = value(entries, key) else {
            if defaultValue == nil { fail(.missingField, at: owner, "\(what): missing '\(key)'") }
            return defaultValue
        }
        guard let number = node.int, range.contains(number) else {
            fail(.badValue, at: node, "\(what): '\(key)' must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(node.string ?? "?")'")
            return nil
        }
        return number
    }

    mutating func double(_ entries: [(key: String, value: Node)], _ key: String, in what: String, at owner: Node) -> Double? {
        guard let node = value(entries, key) else {
            fail(.missingField, at: owner, "\(what): missing '\(key)'")
            return nil
        }
        guard let number = node.float ?? node.int.map(Double.init) else {
            fail(.badValue, at: node, "\(what): '\(key)' must be a number, not '\(node.string ?? "?")'")
            return nil
        }
        return number
    }

    mutating func bool(_ entries: [(key: String, value: Node)], _ key: String, in what: String, default defaultValue: Bool) -> Bool {
        guard let node = value(entries, key) else { return defaultValue }
        guard let flag = node.bool else {
            fail(.badValue, at: node, "\(what): '\(key)' must be true or false")
            return defaultValue
        }
        return flag
    }

    /// A sequence of strings (`[a, b]`); a missing key is an empty list.
    mutating func strings(_ entries: [(key: String, value: Node)], _ key: String, in what: String) -> [(String, Node)] {
        guard let node = value(entries, key) else { return [] }
        guard case .sequence(let sequence) = node else {
            fail(.badValue, at: node, "\(what): '\(key)' must be a list")
            return []
        }
        return sequence.compactMap { item in
            guard let text = item.string, case .scalar = item else {
                fail(.badValue, at: item, "\(what): items of '\(key)' must be single values")
                return nil
            }
            return (text, item)
        }
    }

    /// `500ms`, `2s`, `1m`, or a bare number of milliseconds, in `range`.
    mutating func milliseconds(_ entries: [(key: String, value: Node)], _ key: String, in what: String, default defaultValue: Int, range: ClosedRange<Int> = 1...Int.max) -> Int {
        quantity(entries, key, in: what, default: defaultValue, range: range, units: .duration)
    }

    /// A size in bytes: `65536`, or with a binary suffix `64k`, `16m`, `1g` (KiB, MiB, GiB), in `range`.
    mutating func bytes(_ entries: [(key: String, value: Node)], _ key: String, in what: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        quantity(entries, key, in: what, default: defaultValue, range: range, units: .bytes)
    }

    /// A whole number with an optional unit suffix; a missing key gives `defaultValue`, a bad
    /// or out-of-range value an error (and `defaultValue`).
    private mutating func quantity(_ entries: [(key: String, value: Node)], _ key: String, in what: String, default defaultValue: Int, range: ClosedRange<Int>, units: Units) -> Int {
        guard let node = value(entries, key) else { return defaultValue }
        if let text = node.string, let number = units.parse(text), range.contains(number) { return number }
        let bounds = range.upperBound == Int.max ? "" : " from \(units.format(range.lowerBound)) to \(units.format(range.upperBound)),"
        fail(.badValue, at: node, "\(what): '\(key)' must be \(units.kind)\(bounds) like \(units.examples), not '\(node.string ?? "?")'")
        return defaultValue
    }

    /// Unit suffixes of a quantity, largest first; a bare number counts in the smallest unit.
    struct Units {
        let kind: String
        let examples: String
        let suffixes: [(suffix: String, factor: Int)]

        static let duration = Units(kind: "a duration", examples: "500ms, 2s or 1m", suffixes: [("m", 60_000), ("s", 1000), ("ms", 1)])
        static let bytes = Units(kind: "a size in bytes", examples: "65536, 64k, 16m or 1g", suffixes: [("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10)])

        func parse(_ text: String) -> Int? {
            let text = text.lowercased()
            // `500ms` ends in `s` too, but `500m` is no number: only `ms` reads it.
            for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
                guard let number = Int(text.dropLast(suffix.count)) else { continue }
                let (scaled, overflow) = number.multipliedReportingOverflow(by: factor)
                return overflow ? nil : scaled
            }
            return Int(text)
        }

        /// `number` in the largest unit that divides it: 60000 → `1m`, 16384 → `16k`.
        func format(_ number: Int) -> String {
            for (suffix, factor) in suffixes where number > 0 && number % factor == 0 { return "\(number / factor)\(suffix)" }
            return "\(number)"
        }
    }
}
