import DNSWire
import Foundation
import Testing
@testable import ZoneStore

/// A fresh folder under the system temporary directory, filled with `files` (name → text; names
/// may contain `/` for subfolders), passed to `body`, and removed afterwards.
func withZoneFolder<R>(_ files: [String: String], _ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("meridian-zonestore-\(UUID().uuidString)", isDirectory: true).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    for (name, text) in files { try writeFile(name, text, in: path) }
    return try body(path)
}

func writeFile(_ name: String, _ text: String, in folder: String) throws {
    let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
}

/// Loads one file and expects success.
func loadZone(_ file: String, in folder: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ZoneData {
    switch ZoneFileLoader(directory: folder).load(fileNamed: file) {
    case .success(let zone): return zone
    case .failure(let failure):
        Issue.record("\(file) failed to load:\n\(failure)", sourceLocation: sourceLocation)
        throw failure
    }
}

/// Loads one file and expects failure; returns its errors.
func loadErrors(_ file: String, in folder: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [ZoneError] {
    switch ZoneFileLoader(directory: folder).load(fileNamed: file) {
    case .success(let zone):
        Issue.record("\(file) loaded with \(zone.records.count) records but should have failed", sourceLocation: sourceLocation)
        throw LoadUnexpectedlySucceeded()
    case .failure(let failure): return failure.errors
    }
}

struct LoadUnexpectedlySucceeded: Error {}

/// Loads files one by one from a fresh folder, each expected to succeed.
func loadZones(_ files: [String: String], names: [String]) throws -> [ZoneData] {
    try withZoneFolder(files) { folder in try names.map { try loadZone($0, in: folder) } }
}

func dnsName(_ text: String) -> DNSName { try! DNSName(text) }

func wire(_ text: String) -> [UInt8] { dnsName(text).wire }

/// The records of `type` owned by `owner`, in file order.
func records(_ zone: ZoneData, _ owner: String, _ type: RRType) -> [ZoneRecord] {
    zone.records.filter { $0.owner == dnsName(owner) && $0.type == type }
}

/// A valid minimal zone head: `$TTL 3600`, SOA on line 2, NS on line 3, the NS address on line 4; what follows starts on line 5.
let zoneHead = """
$TTL 3600
@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.1

"""

extension ZoneIndex {
    func lookup(_ text: String, dsAtCut: Bool = false) -> LookupResult {
        dnsName(text).wire.withUnsafeBytes { lookup($0, dsAtCut: dsAtCut) }
    }

    /// Index of the zone with `origin`, found by scanning (independent of the hash table).
    func zoneIndex(_ origin: String) throws -> Int32 {
        let i = zones.firstIndex { $0.origin == dnsName(origin) }
        return Int32(try #require(i, "no zone \(origin)"))
    }

    /// Index of the node `text` in `zone`, found by scanning (independent of the hash table).
    func nodeIndex(_ text: String, zone: Int32) throws -> Int32 {
        let target = dnsName(text).lowercased().wire
        let i = nodes.indices.first { nodes[$0].zone == zone && Array(name(of: Int32($0))) == target }
        return Int32(try #require(i, "no node \(text) in zone \(zone)"))
    }

    func nodeName(_ node: Int32) -> DNSName { DNSName(uncheckedWire: Array(name(of: node))) }

    /// RDATA of every record in the RRset of `type` at `node`.
    func rdatas(at node: Int32, _ type: RRType) -> [[UInt8]] {
        let set = rrset(at: node, type: type)
        guard set >= 0 else { return [] }
        let s = rrsets[Int(set)]
        return (s.recordStart..<(s.recordStart + s.recordCount)).map { Array(rdata(of: records[Int($0)])) }
    }
}
