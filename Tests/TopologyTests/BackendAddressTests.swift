import Testing
import Topology

/// A backend URL's host and port, as the agent connects and a local deployment listens.
@Suite struct BackendAddressTests {
    @Test func hostAndPortOfEachScheme() {
        #expect(Backend(url: "http://127.0.0.1:9111").hostPort! == ("127.0.0.1", 9111))
        #expect(Backend(url: "http://127.0.0.1:9111/app").hostPort! == ("127.0.0.1", 9111))
        #expect(Backend(url: "tcp://10.0.0.5:5432").hostPort! == ("10.0.0.5", 5432))
        #expect(Backend(url: "http://[::1]:9000").hostPort! == ("::1", 9000))
        #expect(Backend(url: "http://127.0.0.1").hostPort == nil, "no port")
        #expect(Backend(url: "https://127.0.0.1:443").hostPort == nil, "not a scheme the agent speaks")
    }

    @Test func anotherPortKeepsSchemeHostAndPath() {
        #expect(Backend(url: "http://127.0.0.1:9111/app").url(withPort: 40000) == "http://127.0.0.1:40000/app")
        #expect(Backend(url: "tcp://[::1]:5432").url(withPort: 6000) == "tcp://[::1]:6000")
        #expect(Backend(url: "http://127.0.0.1").url(withPort: 1) == nil)
    }
}
