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

    /// `500ms`, `2s`, `1m`, or a bare number of milliseconds.
    mutating func milliseconds(_ entries: [(key: String, value: Node)], _ key: String, in what: String, default defaultValue: Int) -> Int {
        guard let node = value(entries, key), let text = node.string else { return defaultValue }
        let units: [(String, Int)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let n = Int(text.dropLast(suffix.count)), n > 0 { return n * factor }
        }
        if let n = Int(text), n > 0 { return n }
        fail(.badValue, at: node, "\(what): '\(key)' must be a duration like 500ms, 2s or 1m, not '\(text)'")
        return defaultValue
    }
}
