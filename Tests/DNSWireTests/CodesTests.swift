import Testing
@testable import DNSWire

@Suite("Codes")
struct CodesTests {
    @Test func rrTypeMnemonics() {
        #expect(RRType.a.description == "A")
        #expect(RRType.aaaa.description == "AAAA")
        #expect(RRType.soa.description == "SOA")
        #expect(RRType.caa.description == "CAA")
        #expect(RRType.https.rawValue == 65)
        #expect(RRType(65280).description == "TYPE65280")
        #expect(RRType(0).description == "TYPE0")
    }

    @Test func metaTypes() {
        #expect(RRType.opt.isMetaType)
        #expect(RRType.any.isMetaType)
        #expect(RRType.axfr.isMetaType)
        #expect(RRType.ixfr.isMetaType)
        #expect(RRType(128).isMetaType)
        #expect(!RRType(127).isMetaType)
        #expect(!RRType.caa.isMetaType)
        #expect(!RRType.a.isMetaType)
        #expect(!RRType(256).isMetaType)
    }

    @Test func classes() {
        #expect(RRClass.in.description == "IN")
        #expect(RRClass.chaos.description == "CH")
        #expect(RRClass.none.description == "NONE")
        #expect(RRClass.any.description == "ANY")
        #expect(RRClass(2).description == "CLASS2")
    }

    @Test func rcodesAndOpcodes() {
        #expect(ResponseCode.formErr.description == "FORMERR")
        #expect(ResponseCode.badVers.rawValue == 16)
        #expect(ResponseCode.badVers.description == "BADVERS")
        #expect(ResponseCode(11).description == "RCODE11")
        #expect(Opcode.notify.description == "NOTIFY")
        #expect(Opcode(2).description == "OPCODE2")
    }

    @Test func clientSubnetHelpers() {
        #expect((0...32).map { ClientSubnet.addressLength(prefix: UInt8($0)) }
            == [0] + [Int](repeating: 1, count: 8) + [Int](repeating: 2, count: 8) + [Int](repeating: 3, count: 8) + [Int](repeating: 4, count: 8))
        #expect(ClientSubnet.addressLength(prefix: 128) == 16)
        #expect(ClientSubnet.addressLength(prefix: 121) == 16)
        #expect(ClientSubnet.addressLength(prefix: 120) == 15)
        let v6 = ClientSubnet(family: 2, sourcePrefixLength: 64, scopePrefixLength: 0, addressHigh: 0x2001_0DB8_0000_00FF, addressLow: 0x0102_0000_0000_0000)
        #expect(v6.description == "2001:db8:0:ff:102:0:0:0/64/0")
        #expect(v6.addressByte(7) == 0xFF)
        #expect(v6.addressByte(8) == 0x01)
    }
}
