import Drill
import Testing

@Suite struct HTTPRequestSampleTests {
    @Test func connectionFailuresAndServerErrorsAreClientErrors() {
        #expect(HTTPRequestSample(at: 0, client: 0, address: "127.0.0.11", status: nil).isError)
        #expect(HTTPRequestSample(at: 0, client: 0, address: "127.0.0.11", status: 503).isError)
        #expect(!HTTPRequestSample(at: 0, client: 0, address: "127.0.0.11", status: 200).isError)
        #expect(!HTTPRequestSample(at: 0, client: 0, address: "127.0.0.11", status: 404).isError)
    }
}
