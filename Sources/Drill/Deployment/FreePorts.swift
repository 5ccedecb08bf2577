import NIOCore
import NIOPosix

/// Ports nobody listens on right now, found by binding port 0. Each stays bound until
/// `release()`, so one plan never gets the same port twice; after release another process
/// could take one before our child binds it — on loopback during a drill that race is rare,
/// and a child that cannot bind says so in its log and fails the start.
final class FreePorts {
    private var held: [any Channel] = []

    func pick(host: String, udpToo: Bool = false) throws -> Int {
        for _ in 0..<20 {
            let tcp = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: host, port: 0).wait()
            held.append(tcp)
            let port = tcp.localAddress?.port ?? 0
            guard udpToo else { return port }
            // DNS and gossip listen on UDP too: the same number must be free there.
            if let udp = try? DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: host, port: port).wait() {
                held.append(udp)
                return port
            }
        }
        throw DeploymentError("no free port on \(host)")
    }

    func release() {
        for channel in held { try? channel.close().wait() }
        held = []
    }
}
