public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One webhook delivery: an HTTP/1.1 POST on a connection of its own (`Connection: close`),
/// over TLS for `https` (the system's trust roots, the host name checked), within a deadline.
///
/// SwiftNIO rather than Foundation's URLSession: URLSession is built on libcurl, which a
/// binary with the Swift runtime linked in (`scripts/package`) would need at run time; the
/// package depends on libpq5 and tzdata only. The socket work runs on NIO's event loops,
/// never on the cooperative pool.
public enum WebhookPost {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The TLS context for every delivery: loading the trust roots once.
    private static let tls: Result<NIOSSLContext, any Error> = Result {
        try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// POSTs `body` to `url` with `headers`; the response's status code. Throws ``Failure``
    /// when the host cannot be reached, TLS fails, or no answer came within `timeout`.
    public static func send(_ body: Data, to url: URL, headers: [(String, String)], timeout: Duration) async throws -> Int {
        let (host, secure) = try validate(url)
        let port = url.port ?? (secure ? 443 : 80)
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target)
        head.headers.add(name: "Host", value: port == (secure ? 443 : 80) ? host : "\(host):\(port)")
        head.headers.add(name: "Content-Length", value: String(body.count))
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "User-Agent", value: "civicq-webhook")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        return try await exchange(head, body: body, host: host, port: port, secure: secure, timeout: timeout)
    }

    /// The host and whether it is TLS, or a failure for a URL that is not http or https.
    public static func validate(_ url: URL) throws -> (host: String, secure: Bool) {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty else {
            throw Failure(description: "not an http or https URL")
        }
        return (host, scheme == "https")
    }

    private static func exchange(
        _ head: HTTPRequestHead, body: Data, host: String, port: Int, secure: Bool, timeout: Duration
    ) async throws -> Int {
        let context: NIOSSLContext? = secure ? try tls.get() : nil
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(max(1, timeout.components.seconds)))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let context {
                            // The host name is checked against the certificate (SNI for names, not addresses).
                            let name = host.first?.isNumber == true || host.contains(":") ? nil : host
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(description: "cannot connect (\(type(of: error)))")
        }
        // The exchange races the deadline; at the deadline the channel is closed, which ends
        // the exchange (a task group waits for every child: cancelling is not enough).
        let deadline = ContinuousClock.now + timeout
        return try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    do {
                        try await outbound.write(.head(head))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                        try await outbound.write(.end(nil))
                        for try await part in inbound {
                            if case .head(let response) = part { return Int(response.status.code) }
                        }
                    } catch {
                        throw Failure(description: "the connection failed (\(type(of: error)))")
                    }
                    throw Failure(description: "the connection closed without an answer")
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            if let status = try await group.next()! { return status }
            channel.channel.close(promise: nil)
            throw Failure(description: "no answer within \(timeout.components.seconds) s")
        }
    }
}
