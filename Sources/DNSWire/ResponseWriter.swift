/// Writes a response message into caller-owned memory, with name compression (RFC 1035 §4.1.4)
/// and a size limit. Nothing is allocated: the compression table is a fixed inline array.
///
/// Records are added through `mark()`/`rollback(to:)` so that a caller can drop a whole RRset
/// that does not fit (RFC 2181 §9) and set TC.
public struct ResponseWriter: ~Copyable {
    /// Where the message goes; `limit` may be smaller than its size (UDP payload size).
    public let buffer: UnsafeMutableRawBufferPointer
    public private(set) var limit: Int
    public private(set) var position: Int
    public var header = Header()

    /// Offsets of label starts already in the message (packed `offset << 8 | labelsLeft`),
    /// the candidates for compression pointers.
    private var targets: InlineArray<64, UInt32> = .init(repeating: 0)
    private var targetCount = 0
    /// With `stableNames`, the last names written, by the memory their bytes came from: writing
    /// the same bytes again (the owner of every record of an RRset, the question name as an
    /// answer's owner) is then a pointer to where they went, with no search and no comparison.
    private let stableNames: Bool
    private var recent: InlineArray<4, WrittenName> = .init(repeating: WrittenName(address: 0, count: 0, offset: 0))
    private var recentNext = 0

    private struct WrittenName {
        var address: UInt
        var count: Int
        var offset: Int
    }

    public enum Section: Sendable { case answer, authority, additional }

    public struct Mark: Sendable {
        fileprivate var position: Int
        fileprivate var targetCount: Int
        fileprivate var header: Header
    }

    /// `stableNames`: the caller promises that every name it passes (question, owners, names in
    /// RDATA) stays at the same address, unchanged, until it is done with this writer, as the
    /// query packet and the zone index do while a query is answered. Names are then recognised
    /// by address. Without it (names from temporary buffers, which a later name may reuse),
    /// every name is compared by content.
    public init(buffer: UnsafeMutableRawBufferPointer, limit: Int, stableNames: Bool = false) {
        self.stableNames = stableNames
        self.buffer = buffer
        self.limit = min(limit, buffer.count)
        self.position = Header.size
    }

    public var remaining: Int { limit - position }

    /// Reserves room at the end (for the OPT record, written last).
    public mutating func reserve(_ bytes: Int) { limit -= bytes }
    public mutating func release(_ bytes: Int) { limit = min(limit + bytes, buffer.count) }

    public func mark() -> Mark { Mark(position: position, targetCount: targetCount, header: header) }

    public mutating func rollback(to mark: Mark) {
        position = mark.position
        targetCount = mark.targetCount
        header = mark.header
        for i in recent.indices where recent[i].offset >= position { recent[i].count = 0 }
    }

    private mutating func remember(_ name: UnsafeRawBufferPointer, at offset: Int) {
        guard stableNames, let base = name.baseAddress, offset < 0x3FFF else { return }
        recent[recentNext] = WrittenName(address: UInt(bitPattern: base), count: name.count, offset: offset)
        recentNext = (recentNext + 1) & 3
    }

    /// Copies the question from the query (name case preserved) and makes its name a
    /// compression target.
    public mutating func writeQuestion(from packet: UnsafeRawBufferPointer, query: ParsedQuery) -> Bool {
        writeQuestion(UnsafeRawBufferPointer(rebasing: packet[Header.size..<query.questionEnd]))
    }

    /// Copies a question section entry (uncompressed name, type, class).
    public mutating func writeQuestion(_ question: UnsafeRawBufferPointer) -> Bool {
        guard position + question.count <= limit else { return false }
        buffer.baseAddress!.advanced(by: position).copyMemory(from: question.baseAddress!, byteCount: question.count)
        registerLabels(at: position, of: question)
        remember(UnsafeRawBufferPointer(rebasing: question[..<(question.count - 4)]), at: position)
        position += question.count
        header.qdCount = 1
        return true
    }

    /// Writes one resource record. `rdata` is uncompressed wire data; when the type allows it
    /// (RFC 3597 §4), the names at `nameOffsets` inside it are compressed.
    /// All or nothing: a record that does not fit leaves the message as it was.
    public mutating func writeRecord(
        owner: UnsafeRawBufferPointer, type: RRType, class rrClass: RRClass = .in, ttl: UInt32,
        rdata: UnsafeRawBufferPointer, nameOffsets: RDataNames = .none, section: Section
    ) -> Bool {
        let start = mark()
        if appendRecord(owner: owner, type: type, class: rrClass, ttl: ttl, rdata: rdata, nameOffsets: nameOffsets, section: section) {
            return true
        }
        rollback(to: start)
        return false
    }

    private mutating func appendRecord(
        owner: UnsafeRawBufferPointer, type: RRType, class rrClass: RRClass, ttl: UInt32,
        rdata: UnsafeRawBufferPointer, nameOffsets: RDataNames, section: Section
    ) -> Bool {
        guard writeName(owner), position + 10 <= limit else { return false }
        buffer.storeUInt16(type.rawValue, at: position)
        buffer.storeUInt16(rrClass.rawValue, at: position + 2)
        buffer.storeUInt32(ttl, at: position + 4)
        let rdLengthAt = position + 8
        position += 10
        let rdStart = position
        if nameOffsets.isEmpty || !type.hasCompressibleRDataNames {
            guard writeBytes(rdata) else { return false }
        } else {
            var copied = 0
            for slot in 0..<2 {
                let nameOffset = Int(slot == 0 ? nameOffsets.first : nameOffsets.second)
                if nameOffset < 0 { break }
                guard writeBytes(UnsafeRawBufferPointer(rebasing: rdata[copied..<nameOffset])) else { return false }
                let nameLength = uncompressedNameLength(rdata, at: nameOffset)
                guard writeName(UnsafeRawBufferPointer(rebasing: rdata[nameOffset..<(nameOffset + nameLength)])) else { return false }
                copied = nameOffset + nameLength
            }
            guard writeBytes(UnsafeRawBufferPointer(rebasing: rdata[copied...])) else { return false }
        }
        buffer.storeUInt16(UInt16(position - rdStart), at: rdLengthAt)
        switch section {
        case .answer: header.anCount += 1
        case .authority: header.nsCount += 1
        case .additional: header.arCount += 1
        }
        return true
    }

    /// Size of the OPT record `writeOPT` will produce.
    public static func optSize(nsid: UnsafeRawBufferPointer?, clientSubnet: ClientSubnet?) -> Int {
        var size = 11
        if let nsid { size += 4 + nsid.count }
        if let clientSubnet { size += 8 + ClientSubnet.addressLength(prefix: clientSubnet.sourcePrefixLength) }
        return size
    }

    /// The response OPT record (RFC 6891 §6.1.2), with NSID (RFC 5001) and ECS (RFC 7871 §7.2.1).
    public mutating func writeOPT(payloadSize: UInt16, extendedRcode: UInt8, dnssecOK: Bool, nsid: UnsafeRawBufferPointer?, clientSubnet: ClientSubnet?) -> Bool {
        let size = Self.optSize(nsid: nsid, clientSubnet: clientSubnet)
        guard position + size <= limit else { return false }
        buffer[position] = 0
        buffer.storeUInt16(RRType.opt.rawValue, at: position + 1)
        buffer.storeUInt16(payloadSize, at: position + 3)
        buffer.storeUInt32(UInt32(extendedRcode) << 24 | (dnssecOK ? 0x8000 : 0), at: position + 5)
        buffer.storeUInt16(UInt16(size - 11), at: position + 9)
        position += 11
        if let nsid {
            buffer.storeUInt16(EDNS.nsidOptionCode, at: position)
            buffer.storeUInt16(UInt16(nsid.count), at: position + 2)
            position += 4
            _ = writeBytes(nsid)
        }
        if let ecs = clientSubnet {
            let addressLength = ClientSubnet.addressLength(prefix: ecs.sourcePrefixLength)
            buffer.storeUInt16(ClientSubnet.optionCode, at: position)
            buffer.storeUInt16(UInt16(4 + addressLength), at: position + 2)
            buffer.storeUInt16(ecs.family, at: position + 4)
            buffer[position + 6] = ecs.sourcePrefixLength
            buffer[position + 7] = ecs.scopePrefixLength
            position += 8
            for i in 0..<addressLength { buffer[position + i] = ecs.addressByte(i) }
            position += addressLength
        }
        header.arCount += 1
        return true
    }

    /// Writes the header and returns the message length.
    public func finish() -> Int {
        header.write(to: buffer)
        return position
    }

    // MARK: - Names

    /// Writes an uncompressed name, replacing its longest suffix already in the message with a pointer.
    public mutating func writeName(_ name: UnsafeRawBufferPointer) -> Bool {
        let address = UInt(bitPattern: name.baseAddress)
        for i in recent.indices where recent[i].address == address && recent[i].count == name.count && name.count > 1 {
            guard position + 2 <= limit else { return false }
            buffer.storeUInt16(0xC000 | UInt16(recent[i].offset), at: position)
            position += 2
            return true
        }
        guard let offset = writeNameSearching(name) else { return false }
        remember(name, at: offset)
        return true
    }

    /// Writes `name` compressed against every label start in the message; returns where the
    /// name now starts in the message (where it was written, or where the pointer that replaced
    /// all of it points), or nil when it does not fit.
    private mutating func writeNameSearching(_ name: UnsafeRawBufferPointer) -> Int? {
        var labelsLeft = 0
        var i = 0
        while name[i] != 0 { labelsLeft += 1; i += 1 + Int(name[i]) }

        var suffixStart = 0
        var suffixLabels = labelsLeft
        while suffixLabels > 0 {
            if let target = findTarget(name, from: suffixStart, labels: suffixLabels) {
                guard position + suffixStart + 2 <= limit else { return nil }
                let start = suffixStart == 0 ? target : position
                let prefix = UnsafeRawBufferPointer(rebasing: name[0..<suffixStart])
                registerLabels(at: position, of: name, upTo: suffixStart, labelsLeft: labelsLeft)
                _ = writeBytes(prefix)
                buffer.storeUInt16(0xC000 | UInt16(target), at: position)
                position += 2
                return start
            }
            suffixStart += 1 + Int(name[suffixStart])
            suffixLabels -= 1
        }
        guard position + name.count <= limit else { return nil }
        let start = position
        registerLabels(at: position, of: name, labelsLeft: labelsLeft)
        return writeBytes(name) ? start : nil
    }

    private func findTarget(_ name: UnsafeRawBufferPointer, from start: Int, labels: Int) -> Int? {
        for t in 0..<targetCount {
            let packed = targets[t]
            guard Int(packed & 0xFF) == labels else { continue }
            let offset = Int(packed >> 8)
            if messageName(at: offset, equals: name, from: start) { return offset }
        }
        return nil
    }

    /// Case-insensitive comparison of the (possibly compressed) name at `offset` in the message
    /// with the uncompressed `name[start...]`.
    private func messageName(at offset: Int, equals name: UnsafeRawBufferPointer, from start: Int) -> Bool {
        var m = offset
        var n = start
        while true {
            var len = Int(buffer[m])
            if len & 0xC0 == 0xC0 {
                m = (len & 0x3F) << 8 | Int(buffer[m + 1])
                len = Int(buffer[m])
            }
            guard len == Int(name[n]) else { return false }
            if len == 0 { return true }
            // Names are nearly always in the same case: equal bytes need no folding.
            var k = 1
            while k <= len {
                let (a, b) = (buffer[m + k], name[n + k])
                if a != b, asciiLowercase(a) != asciiLowercase(b) { return false }
                k &+= 1
            }
            m += 1 + len
            n += 1 + len
        }
    }

    /// Records the label starts of `name` (up to offset `end`, or the root label) as targets.
    private mutating func registerLabels(at base: Int, of name: UnsafeRawBufferPointer, upTo end: Int = Int.max, labelsLeft: Int? = nil) {
        var left = labelsLeft ?? {
            var c = 0, i = 0
            while name[i] != 0 { c += 1; i += 1 + Int(name[i]) }
            return c
        }()
        var i = 0
        while i < end, name[i] != 0, base + i < 0x3FFF, targetCount < targets.count {
            targets[targetCount] = UInt32(base + i) << 8 | UInt32(left)
            targetCount += 1
            left -= 1
            i += 1 + Int(name[i])
        }
    }

    private mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard position + bytes.count <= limit else { return false }
        if bytes.count > 0 {
            buffer.baseAddress!.advanced(by: position).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        position += bytes.count
        return true
    }
}

/// Length of the uncompressed name starting at `offset`.
@inline(__always)
public func uncompressedNameLength(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
    var i = offset
    while bytes[i] != 0 { i += 1 + Int(bytes[i]) }
    return i + 1 - offset
}

/// Offsets of up to two embedded domain names in a record's RDATA, in order (SOA has two).
public struct RDataNames: Hashable, Sendable {
    public var first: Int16
    public var second: Int16

    public static let none = RDataNames(first: -1, second: -1)

    public init(first: Int16, second: Int16 = -1) {
        self.first = first
        self.second = second
    }

    public var isEmpty: Bool { first < 0 }
}
