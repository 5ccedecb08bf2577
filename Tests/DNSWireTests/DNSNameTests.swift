import Testing
@testable import DNSWire

@Suite("DNSName")
struct DNSNameTests {
    // MARK: Text → wire

    @Test func parsesAbsoluteName() throws {
        let n = try DNSName("www.example.com.")
        #expect(n.wire == [3, 0x77, 0x77, 0x77, 7, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 3, 0x63, 0x6F, 0x6D, 0])
    }

    @Test func nameWithoutTrailingDotIsAbsoluteWithoutOrigin() throws {
        #expect(try DNSName("www.example.com") == DNSName("www.example.com."))
    }

    @Test func root() throws {
        #expect(try DNSName(".").wire == [0])
        #expect(DNSName.root.wire == [0])
        #expect(DNSName.root.isRoot)
        #expect(DNSName.root.labelCount == 0)
        #expect(DNSName.root.parent == nil)
        #expect(DNSName.root.description == ".")
        #expect(DNSName.root.labels.isEmpty)
        #expect(try !DNSName("a.").isRoot)
    }

    @Test func relativeNameGetsOrigin() throws {
        let origin = try DNSName("example.com.")
        #expect(try DNSName("www", origin: origin).wire == wire("www.example.com."))
        #expect(try DNSName("a.b", origin: origin).description == "a.b.example.com.")
        // Absolute names ignore the origin.
        #expect(try DNSName("www.", origin: origin).wire == [3, 0x77, 0x77, 0x77, 0])
        #expect(try DNSName("@", origin: origin) == origin)
        #expect(try DNSName(".", origin: origin) == .root)
        // Relative to the root origin.
        #expect(try DNSName("www", origin: .root).wire == [3, 0x77, 0x77, 0x77, 0])
    }

    @Test func atWithoutOriginIsALabel() throws {
        #expect(try DNSName("@").wire == [1, UInt8(ascii: "@"), 0])
    }

    @Test func caseIsPreserved() throws {
        #expect(try DNSName("WwW.ExAmple.").wire == [3, 0x57, 0x77, 0x57, 7, 0x45, 0x78, 0x41, 0x6D, 0x70, 0x6C, 0x65, 0])
    }

    @Test func escapes() throws {
        // \. is a dot inside a label, not a separator.
        #expect(try DNSName("a\\.b.c.").wire == [3, 0x61, 0x2E, 0x62, 1, 0x63, 0])
        // \DDD decimal escapes.
        #expect(try DNSName("\\065\\000\\255.").wire == [3, 0x41, 0x00, 0xFF, 0])
        // \\ is a backslash; \X is X.
        #expect(try DNSName("a\\\\b.").wire == [3, 0x61, 0x5C, 0x62, 0])
        #expect(try DNSName("\\a\\;.").wire == [2, 0x61, 0x3B, 0])
        // An escaped trailing dot does not make the name absolute or close the label.
        let origin = try DNSName("org.")
        #expect(try DNSName("a\\.", origin: origin).wire == [2, 0x61, 0x2E, 3, 0x6F, 0x72, 0x67, 0])
    }

    @Test(arguments: [
        ("a..b.", DNSNameError.emptyLabel("a..b.")),
        (".a.", DNSNameError.emptyLabel(".a.")),
        ("a.b..", DNSNameError.emptyLabel("a.b..")),
        ("..", DNSNameError.emptyLabel("..")),
        ("a\\", DNSNameError.badEscape("a\\")),
        ("a\\2", DNSNameError.badEscape("a\\2")),
        ("a\\25", DNSNameError.badEscape("a\\25")),
        ("a\\256", DNSNameError.badEscape("a\\256")),
        ("a\\2x5", DNSNameError.badEscape("a\\2x5")),
        ("a\\99.", DNSNameError.badEscape("a\\99.")),
        (String(repeating: "x", count: 64) + ".", DNSNameError.labelTooLong(String(repeating: "x", count: 64) + ".")),
    ])
    func textErrors(text: String, expected: DNSNameError) {
        #expect(throws: expected) { try DNSName(text) }
    }

    @Test func labelLengthLimit() throws {
        let l63 = String(repeating: "a", count: 63)
        let n = try DNSName(l63 + ".com.")
        #expect(n.wire.count == 1 + 63 + 4 + 1)
        #expect(n.wire[0] == 63)
        // 64 via escapes is still too long.
        let escaped64 = String(repeating: "\\065", count: 64)
        #expect(throws: DNSNameError.labelTooLong(escaped64)) { try DNSName(escaped64) }
    }

    @Test func nameLengthLimit() throws {
        let l63 = String(repeating: "a", count: 63)
        // 3 × (1+63) + (1+61) + 1 = 255 bytes: the longest legal name.
        let max = [l63, l63, l63, String(repeating: "b", count: 61)].joined(separator: ".") + "."
        #expect(try DNSName(max).wire.count == 255)
        // One byte more is too long.
        let over = [l63, l63, l63, String(repeating: "b", count: 62)].joined(separator: ".") + "."
        #expect(throws: DNSNameError.nameTooLong(over)) { try DNSName(over) }
        // Too long only because of the origin.
        let origin = try DNSName(String(repeating: "c", count: 62) + ".")
        let rel = [l63, l63, l63].joined(separator: ".")
        #expect(try DNSName(rel, origin: try DNSName(String(repeating: "c", count: 61) + ".")).wire.count == 255)
        #expect(throws: DNSNameError.nameTooLong(rel)) { try DNSName(rel, origin: origin) }
    }

    // MARK: Wire validation

    @Test func validWire() throws {
        #expect(DNSName(wire: [0]) == .root)
        #expect(DNSName(wire: [1, 0x61, 0])?.description == "a.")
        #expect(DNSName(wire: [1, 0x61, 2, 0x62, 0x63, 0])?.labelCount == 2)
        let l63 = [UInt8(63)] + [UInt8](repeating: 0x61, count: 63)
        let max = l63 + l63 + l63 + [61] + [UInt8](repeating: 0x62, count: 61) + [0]
        #expect(max.count == 255)
        #expect(DNSName(wire: max) != nil)
    }

    @Test(arguments: [
        [UInt8](),                              // empty
        [1, 0x61],                              // no terminator
        [2, 0x61, 0],                           // label runs past the end (swallows the terminator)
        [1, 0x61, 0, 1, 0x62, 0],               // bytes after the terminator
        [0, 0],                                 // bytes after the root
        [64] + [UInt8](repeating: 0x61, count: 64) + [0], // label of 64
        [0x41, 0x61, 0],                        // label type 0x40
        [0xC0, 0x0C],                           // compression pointer
    ])
    func invalidWire(bytes: [UInt8]) {
        #expect(DNSName(wire: bytes) == nil)
    }

    @Test func wireLongerThan255IsInvalid() {
        let l63 = [UInt8(63)] + [UInt8](repeating: 0x61, count: 63)
        let over = l63 + l63 + l63 + [62] + [UInt8](repeating: 0x62, count: 62) + [0]
        #expect(over.count == 256)
        #expect(DNSName(wire: over) == nil)
    }

    // MARK: Presentation

    @Test func descriptionEscapes() throws {
        #expect(try DNSName("www.example.com").description == "www.example.com.")
        let n = DNSName(uncheckedWire: [5, 0x61, 0x2E, 0x5C, 0x20, 0x7F, 3, 0x40, 0x24, 0x3B, 0])
        #expect(n.description == "a\\.\\\\\\032\\127.\\@\\$\\;.")
        #expect(DNSName(uncheckedWire: [3, 0x22, 0x28, 0x29, 0]).description == "\\\"\\(\\).")
        #expect(DNSName(uncheckedWire: [3, 0x00, 0x09, 0xFF, 0]).description == "\\000\\009\\255.")
    }

    @Test func descriptionRoundTrips() throws {
        let n = DNSName(uncheckedWire: [6, 0x41, 0x2E, 0x00, 0x5C, 0xC8, 0x20, 1, 0x2A, 0])
        #expect(try DNSName(n.description) == n)
        #expect(try DNSName(n.description).wire == n.wire)
    }

    // MARK: Structure

    @Test func structure() throws {
        let n = try DNSName("www.Example.com.")
        #expect(n.labelCount == 3)
        #expect(Array(n.firstLabel) == Array("www".utf8))
        #expect(n.labels.map { Array($0) } == [Array("www".utf8), Array("Example".utf8), Array("com".utf8)])
        #expect(n.parent?.wire == wire("Example.com."))
        #expect(n.parent?.parent?.wire == wire("com."))
        #expect(n.parent?.parent?.parent == .root)
        #expect(n.prepending(label: Array("x".utf8)).wire == wire("x.www.Example.com."))
        #expect(DNSName.root.prepending(label: Array("com".utf8)).wire == wire("com."))
    }

    @Test func wildcard() throws {
        #expect(try DNSName("*.example.").isWildcard)
        #expect(try !DNSName("a.*.example.").isWildcard)
        #expect(try !DNSName("*a.example.").isWildcard)
        #expect(!DNSName.root.isWildcard)
    }

    @Test func lowercasedIsASCIIOnly() {
        let n = DNSName(uncheckedWire: [4, 0x41, 0x5A, 0xC1, 0x40, 1, 0x5B, 0])
        #expect(n.lowercased().wire == [4, 0x61, 0x7A, 0xC1, 0x40, 1, 0x5B, 0])
    }

    @Test func asciiLowercaseTable() {
        for b in 0...255 {
            let byte = UInt8(b)
            let expected: UInt8 = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            #expect(asciiLowercase(byte) == expected, "byte \(b)")
        }
    }

    @Test func equalityIsCaseSensitiveButEqualsIgnoringCaseIsNot() throws {
        let a = try DNSName("WWW.example.COM."), b = try DNSName("www.EXAMPLE.com.")
        #expect(a != b)
        #expect(a.equalsIgnoringCase(b))
        #expect(a.lowercased() == b.lowercased())
        #expect(a.lowercased().hashValue == b.lowercased().hashValue)
        #expect(try !a.equalsIgnoringCase(DNSName("www.example.co.")))
        #expect(try !a.equalsIgnoringCase(DNSName("example.com.")))
        #expect(try !DNSName("example.com.").equalsIgnoringCase(a))
    }

    @Test func subdomain() throws {
        let zone = try DNSName("Example.COM.")
        #expect(try DNSName("www.example.com.").isSubdomain(of: zone))
        #expect(try DNSName("a.b.EXAMPLE.com.").isSubdomain(of: zone))
        #expect(try DNSName("example.com.").isSubdomain(of: zone))
        #expect(try DNSName("www.example.com.").isSubdomain(of: .root))
        #expect(DNSName.root.isSubdomain(of: .root))
        // Not on a label boundary.
        #expect(try !DNSName("xexample.com.").isSubdomain(of: zone))
        #expect(try !DNSName("www.xexample.com.").isSubdomain(of: zone))
        #expect(try !DNSName("com.").isSubdomain(of: zone))
        #expect(try !DNSName("example.org.").isSubdomain(of: zone))
        #expect(!DNSName.root.isSubdomain(of: zone))
        // An escaped dot is not a label boundary.
        #expect(try !DNSName("a\\.example.com.").isSubdomain(of: DNSName("example.com.")))
        #expect(try !DNSName("ab.c.").isSubdomain(of: DNSName("b.c.")))
        // The tail bytes equal "b.c." exactly but start inside the label "x\001b".
        #expect(try DNSName("x\\001b.c.").wire == [3, 0x78, 1, 0x62, 1, 0x63, 0])
        #expect(try !DNSName("x\\001b.c.").isSubdomain(of: DNSName("b.c.")))
        #expect(try DNSName("y.x\\001b.c.").isSubdomain(of: DNSName("x\\001b.c.")))
    }

    @Test func canonicalOrderRFC4034() throws {
        // RFC 4034 §6.1 example, in order.
        let ordered = try [
            "example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
            "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example.",
        ].map { try DNSName($0) }
        for i in 0..<ordered.count {
            for j in 0..<ordered.count {
                #expect((ordered[i] < ordered[j]) == (i < j), "\(ordered[i]) < \(ordered[j])")
            }
        }
        #expect(ordered.shuffled().sorted() == ordered)
        #expect(try DNSName.root < DNSName("a."))
        #expect(try !(DNSName("A.") < DNSName("a.")))
        #expect(try !(DNSName("a.") < DNSName("A.")))
        // A label ending in a zero byte still sorts after the label it extends.
        #expect(try DNSName("a.example.") < DNSName("a\\000.example."))
        #expect(try !(DNSName("a\\000.example.") < DNSName("a.example.")))
    }
}
