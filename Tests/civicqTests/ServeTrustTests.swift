import Foundation
import Postgres
import TestSupport
import Testing

/// What a hostile client meets: failed keys limited per address, slow heads and bodies cut off.
@Suite("civicq serve against hostile clients (PostgreSQL)")
struct ServeTrustTests {
    @Test("300 wrong keys: 401 then 429 with Retry-After; a valid key from another address still works; slow heads and bodies are closed")
    func hostileClients() async throws {
        try await TestDatabase.withMigratedSchema(size: 1) { _, schema in
            let target = ["--schema", schema, "--database-url", try TestDatabase.conninfo]
            let created = try await CivicQProcess.run(["keys", "create", "--source", "hotline"] + target)
            let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key.hasPrefix("cq_"))
            let port = ServeProcessTests.freePort()
            let server = try CivicQProcess.launch(
                ["serve", "--port", String(port), "--pool-size", "2", "--submit-flushers", "1", "--auth-failures-per-minute", "20",
                 "--header-timeout", "1", "--body-timeout", "1"] + target)
            defer { if server.isRunning { server.terminate() } }
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { await ServeProcessTests.status("http://127.0.0.1:\(port)/readyz") == 200 })

            let results = try await Task.detached {
                let wrong = "cq_abcdefgh_" + String(repeating: "0", count: 32)
                var statuses: [Int] = []
                var retryAfter = 0
                for _ in 0..<300 {
                    let (status, text) = try RawHTTP.request(port: port, "GET /v1/cases/1 HTTP/1.1\r\nAuthorization: Bearer \(wrong)\r\n")
                    statuses.append(status)
                    if status == 429, let line = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("retry-after:") }) {
                        retryAfter = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
                // The valid key from the same address is refused for now; from another it works.
                let same = try RawHTTP.request(port: port, "GET /v1/cases/1 HTTP/1.1\r\nAuthorization: Bearer \(key)\r\n").status
                let other = try RawHTTP.request(port: port, from: "127.0.0.2", "GET /v1/cases/1 HTTP/1.1\r\nAuthorization: Bearer \(key)\r\n").status
                return (statuses, retryAfter, same, other)
            }.value
            #expect(results.0.prefix(20).allSatisfy { $0 == 401 })
            #expect(results.0.dropFirst(20).allSatisfy { $0 == 429 }, "\(Set(results.0))")
            #expect((1...60).contains(results.1))
            #expect(results.2 == 429)
            #expect(results.3 == 404, "a valid key from another address reaches the handler")

            // A head sent a byte every 200 ms: closed after the 1 s header timeout.
            let slowHead = try await Task.detached {
                let connection = try RawHTTP(port: port)
                defer { connection.close() }
                let started = ContinuousClock.now
                for byte in "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 60) {
                    if !connection.send(String(byte)) { break }
                    let (_, closed) = connection.read(within: .milliseconds(200))
                    if closed { return ContinuousClock.now - started }
                }
                return Duration.seconds(999)
            }.value
            #expect(slowHead < .seconds(6), "closed after \(slowHead)")

            // A body sent a byte every 200 ms: 408 and the connection closed.
            let slowBody = try await Task.detached {
                let connection = try RawHTTP(port: port, from: "127.0.0.3")
                defer { connection.close() }
                connection.send("POST /v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
                var answer = ""
                for _ in 0..<50 {
                    connection.send("{")
                    let (text, closed) = connection.read(within: .milliseconds(200))
                    answer += text
                    if closed { return (answer, true) }
                }
                return (answer, false)
            }.value
            #expect(slowBody.0.hasPrefix("HTTP/1.1 408"), "\(slowBody.0.prefix(200))")
            #expect(slowBody.1)
        }
    }
}
