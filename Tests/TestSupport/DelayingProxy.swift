#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A TCP proxy on 127.0.0.1 in front of the test server that can hold each new connection back
/// for a while before it connects upstream: with it, anything that opens a connection to the
/// server (libpq's `PQcancel` does, for every cancel request) becomes slow on demand.
///
/// Each accepted connection gets two threads that copy bytes until either side closes.
/// `Sendable`: the delay is behind a `Mutex`; the sockets belong to their threads.
public final class DelayingProxy: Sendable {
    public let port: UInt16
    private let listener: Int32
    private let delay = DelaySetting()

    private final class DelaySetting: Sendable {
        let value = Mutex<Duration>(.zero)
    }

    /// Listens on an ephemeral port of 127.0.0.1, forwarding to `upstreamPort` there.
    public init(upstreamPort: UInt16) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard listener >= 0, bound == 0, listen(listener, 256) == 0 else { throw TestSetupError(message: "the proxy cannot listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        self.port = UInt16(bigEndian: address.sin_port)
        let delay = self.delay
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                let wait = delay.value.withLock { $0 }
                Thread.detachNewThread {
                    if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
                    let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    var upstream = Self.loopback(port: upstreamPort)
                    let connected = withUnsafePointer(to: &upstream) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                    }
                    guard connected == 0 else { close(client); close(server); return }
                    Thread.detachNewThread { Self.pump(from: server, to: client) }
                    Self.pump(from: client, to: server)
                }
            }
        }
    }

    /// From now on, each new connection waits `duration` before it is forwarded.
    public func delayNewConnections(by duration: Duration) {
        delay.value.withLock { $0 = duration }
    }

    /// Stops accepting (connections already forwarded go on until they close).
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(source, &buffer, buffer.count)
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer[sent..<count].withUnsafeBytes { write(destination, $0.baseAddress, count - sent) }
                guard written > 0 else { shutdown(source, Int32(SHUT_RDWR)); return }
                sent += written
            }
        }
        shutdown(destination, Int32(SHUT_WR))
    }
}
