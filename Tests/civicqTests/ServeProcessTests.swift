import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Postgres
import TestSupport
import Testing

@Suite("civicq serve as a process (PostgreSQL)")
struct ServeProcessTests {
    static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func status(_ url: String) async -> Int? {
        guard let url = URL(string: url) else { return nil }
        return try? await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int?, any Error>) in
            URLSession.shared.dataTask(with: url) { _, response, error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: (response as? HTTPURLResponse)?.statusCode) }
            }.resume()
        }
    }

    @Test("the server answers /readyz once migrated, and SIGTERM stops it with exit 0")
    func readyAndGraceful() async throws {
        try await TestDatabase.withMigratedSchema(size: 1) { _, schema in
            let port = Self.freePort()
            let server = try CivicQProcess.launch(
                ["serve", "--port", String(port), "--pool-size", "2", "--submit-flushers", "1", "--schema", schema,
                 "--database-url", try TestDatabase.conninfo])
            defer { if server.isRunning { server.terminate() } }
            let ready = try await TestDatabase.eventually(within: .seconds(30)) { await Self.status("http://127.0.0.1:\(port)/readyz") == 200 }
            #expect(ready)
            #expect(await Self.status("http://127.0.0.1:\(port)/healthz") == 200)
            kill(server.processIdentifier, SIGTERM)
            #expect(try await TestDatabase.eventually(within: .seconds(15)) { !server.isRunning })
            #expect(server.terminationStatus == 0)
            #expect(await Self.status("http://127.0.0.1:\(port)/healthz") == nil, "nothing listens any more")
        }
    }

    @Test("a port already taken is a plain sentence and exit 69")
    func portTaken() async throws {
        try await TestDatabase.withMigratedSchema(size: 1) { _, schema in
            let port = Self.freePort()
            let first = try CivicQProcess.launch(["serve", "--port", String(port), "--pool-size", "2", "--submit-flushers", "1", "--schema", schema, "--database-url", try TestDatabase.conninfo])
            defer { first.terminate() }
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { await Self.status("http://127.0.0.1:\(port)/healthz") == 200 })
            let second = try await CivicQProcess.run(
                ["serve", "--port", String(port), "--pool-size", "2", "--submit-flushers", "1", "--schema", schema, "--database-url", try TestDatabase.conninfo])
            #expect(second.status == 69)
            #expect(second.stderr.contains("could not listen"), "\(second.stderr)")
        }
    }
}
