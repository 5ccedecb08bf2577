import NIOCore
import NIOHTTP1

extension ChannelHandlerContext {
    /// Writes a complete small response from a server-side HTTP handler: content-type,
    /// content-length and connection are set here, then `extraHeaders`. The connection is
    /// closed once the response is written unless `keepAlive`.
    public func writeWholeResponse(
        status: Int, body: String, contentType: String = "text/plain", version: HTTPVersion,
        keepAlive: Bool, extraHeaders: HTTPHeaders = HTTPHeaders()
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: "\(body.utf8.count)")
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        headers.add(contentsOf: extraHeaders)
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        let done = writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = self.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
