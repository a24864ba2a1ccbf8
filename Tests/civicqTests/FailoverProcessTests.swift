import Foundation
import Postgres
import TestSupport
import Testing

/// civicq processes against a primary and a synchronous standby of the test's own
/// (``PostgresPair``): following a promoted standby without a restart, and reading figures on
/// a hot standby. The example city of deploy/examples is loaded in each pair's `civicq` schema.
@Suite("civicq with a primary and a standby (PostgreSQL, a pair of its own)")
struct FailoverProcessTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/examples")

    /// A new pair with the example city loaded through `url`, and an intake key; removed afterwards.
    private func withCity(
        _ body: (PostgresPair, _ key: String) async throws -> Void
    ) async throws {
        let pair = try await PostgresPair.start()
        do {
            let target = ["--database-url", pair.multiHostURL]
            #expect(try await CivicQProcess.run(["migrate"] + target).status == 0)
            for what in ["departments", "categories", "calendar", "routes"] {
                let imported = try await CivicQProcess.run([what, "import", Self.examples.appendingPathComponent("\(what).yaml").path] + target)
                #expect(imported.status == 0, "\(what): \(imported.stderr)")
            }
            let key = try await CivicQProcess.run(["keys", "create", "--source", "hotline", "--rate", "1000", "--burst", "1000"] + target)
            try #require(key.status == 0)
            try await body(pair, key.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            await pair.remove()
            throw error
        }
        await pair.remove()
    }

    /// A pool on `url` in the `civicq` schema, for the test's own reads.
    private func client(_ url: String) throws -> PostgresClient {
        PostgresClient(
            configuration: .init(connection: try PostgresConfiguration(conninfo: url, options: .init(searchPath: ["civicq"])), size: 1),
            logger: TestDatabase.logger)
    }

    private func submit(_ externalID: String, port: Int, key: String) -> Int { answer(externalID, port: port, key: key).status }

    /// The status and the whole answer (status 0: no answer at all).
    private func answer(_ externalID: String, port: Int, key: String) -> (status: Int, text: String) {
        let body = #"{"external_id":"\#(externalID)","category":"020103","area":"420102001","title":"下水道堵塞","description":"路口下水道堵塞，污水外溢"}"#
        let head = "POST /v1/cases HTTP/1.1\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\n"
        return (try? RawHTTP.request(port: port, head, body: body)) ?? (0, "")
    }

    /// The case's state, once (nil: not stored, or the database did not answer).
    private func state(_ externalID: String, _ client: PostgresClient) async -> String? {
        try? await client.withConnection {
            try $0.query("SELECT state::text FROM cases WHERE external_id = \(externalID)").scalar(String.self)
        }
    }

    @Test("serve and a worker on a multi-host URL follow a promoted standby, without a restart")
    func followThePromotedStandby() async throws {
        try await withCity { pair, key in
            let port = ServeProcessTests.freePort()
            let target = ["--database-url", pair.multiHostURL]
            let server = try CivicQProcess.launch(["serve", "--port", String(port), "--pool-size", "4", "--submit-flushers", "1"] + target)
            // A poll far longer than the test: the worker must learn of new cases from its
            // listener, which has to re-listen on the new primary (and sweep once it has).
            let worker = try CivicQProcess.launch(["worker", "--poll-ms", "600000", "--lease-seconds", "5"] + target)
            defer {
                if server.isRunning { server.terminate() }
                if worker.isRunning { worker.terminate() }
            }
            let reads = try client(pair.multiHostURL)
            defer { Task { await reads.close() } }
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { await ServeProcessTests.status("http://127.0.0.1:\(port)/readyz") == 200 })
            #expect(submit("before", port: port, key: key) == 201)
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { await state("before", reads) == "dispatched" })

            // `top` on the same URL, drawing a frame every 0.3 s into a file.
            let frames = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-top-\(UUID().uuidString).txt")
            _ = FileManager.default.createFile(atPath: frames.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: frames) }
            let top = Process()
            top.executableURL = CivicQProcess.executable
            top.arguments = ["top", "--interval", "0.3"] + target
            top.standardOutput = try FileHandle(forWritingTo: frames)
            top.standardError = FileHandle.nullDevice
            try top.run()
            defer { if top.isRunning { top.terminate() } }
            func frameCount() -> Int {
                ((try? String(contentsOf: frames, encoding: .utf8)) ?? "").components(separatedBy: "civicq top —").count - 1
            }
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { frameCount() >= 2 })

            try await pair.killPrimary()
            try await pair.promoteStandby()
            let framesAtKill = frameCount()
            // The server answers 503 (or drops the connection) until its pool reaches the new
            // primary, then 201: an intake system resends with the same external id.
            let clock = ContinuousClock()
            let killed = clock.now
            var answers: [(status: Int, text: String)] = []
            #expect(try await TestDatabase.eventually(within: .seconds(30)) {
                answers.append(answer("after", port: port, key: key))
                return answers.last?.status == 201
            })
            let back = clock.now - killed
            // Never an error of another kind, nor a dropped connection: 503 with Retry-After
            // (nothing stored), then 201.
            for refused in answers.dropLast() {
                #expect(refused.status == 503, "\(refused.text.prefix(300))")
                #expect(refused.text.lowercased().contains("retry-after:"))
            }
            // The worker's claim loop, its listener and its pool find the new primary themselves.
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { await state("after", reads) == "dispatched" })
            #expect(server.isRunning && worker.isRunning, "neither process was restarted")
            // `top` waited through it and draws frames from the new primary.
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { frameCount() >= framesAtKill + 3 })
            #expect(top.isRunning, "top did not exit when the primary died")
            #expect(back < .seconds(10), "intake back \(back) after the kill")

            // Each case once, on the new primary; a one-shot command reaches it through the same URL.
            let counts = try await reads.withConnection { connection in
                try connection.query("SELECT count(*) FILTER (WHERE external_id = 'before'), count(*) FILTER (WHERE external_id = 'after') FROM cases")
                    .first!.decode((Int, Int).self)
            }
            #expect(counts == (1, 1))
            #expect(try await CivicQProcess.run(["case", "list", "--department", "all"] + target).status == 0)
        }
    }

    @Test("figures, the inbox and top read on a hot standby equal the primary's once it has replayed")
    func readFromTheStandby() async throws {
        try await withCity { pair, key in
            let port = ServeProcessTests.freePort()
            let primary = ["--database-url", pair.primaryURL]
            let standby = primary + ["--read-database-url", pair.standbyURL]
            let server = try CivicQProcess.launch(
                ["serve", "--port", String(port), "--pool-size", "4", "--submit-flushers", "1"] + standby)
            defer { if server.isRunning { server.terminate() } }
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { await ServeProcessTests.status("http://127.0.0.1:\(port)/readyz") == 200 })
            for n in 0..<12 { #expect(submit("case-\(n)", port: port, key: key) == 201) }
            // Route them and take them into the figures, then stop the worker.
            let worker = try CivicQProcess.launch(["worker", "--poll-ms", "100"] + primary)
            let reads = try client(pair.primaryURL)
            defer { Task { await reads.close() } }
            #expect(try await TestDatabase.eventually(within: .seconds(60)) {
                (try? await reads.withConnection {
                    try $0.query("SELECT count(*) FROM cases WHERE state = 'dispatched'").scalar(Int.self)
                }) == 12
            })
            #expect(try await CivicQProcess.run(["stats", "rollup"] + primary).status == 0)
            // A handler of the department the cases went to: people read the standby as themselves.
            let lead = try await reads.withConnection { try $0.query("SELECT min(lead_department) FROM cases").scalar(String.self) ?? "" }
            #expect(try await CivicQProcess.run(["users", "add", "ha_handler", "--department", lead, "--role", "handler"] + primary).status == 0)
            kill(worker.processIdentifier, SIGTERM)
            #expect(try await TestDatabase.eventually(within: .seconds(15)) { !worker.isRunning })

            // The standby has replayed everything the primary has written.
            let target = try await reads.withConnection { try $0.query("SELECT pg_current_wal_lsn()::text").scalar(String.self) ?? "" }
            let replica = try client(pair.standbyURL)
            defer { Task { await replica.close() } }
            #expect(try await TestDatabase.eventually(within: .seconds(30)) {
                try await replica.withConnection {
                    try $0.query("SELECT pg_last_wal_replay_lsn() >= \(target)::pg_lsn").scalar(Bool.self) ?? false
                }
            })
            for command in [["stats", "--json"], ["stats", "ranking", "--json"], ["case", "list", "--department", "all", "--json"],
                            ["case", "list", "--as", "ha_handler", "--json"]] {
                let onPrimary = try await CivicQProcess.run(command + primary)
                let onStandby = try await CivicQProcess.run(command + standby)
                #expect(onPrimary.status == 0 && onStandby.status == 0, "\(command): \(onStandby.stderr)")
                #expect(onStandby.stdout == onPrimary.stdout, "\(command)")
                #expect(onStandby.stdout.count > 20, "\(command) printed something")
            }
            // Nothing that writes goes to the standby: --read-database-url changes reads only.
            let submitted = try await CivicQProcess.run(
                ["case", "submit", "--category", "020103", "--area", "420102001", "--title", "路灯不亮", "--description", "整条街路灯不亮"] + standby)
            #expect(submitted.status == 0, "\(submitted.stderr)")

            let top = try await CivicQProcess.run(["top", "--once"] + standby)
            #expect(top.status == 0)
            #expect(top.stdout.contains("read from a standby:"), "\(top.stdout)")
            #expect(top.stdout.contains("+08:00"), "times in the reporting zone")
            let metrics = try RawHTTP.request(port: port, "GET /metrics HTTP/1.1\r\n").text
            #expect(metrics.contains("civicq_replica_up 1"), "\(metrics.suffix(2000))")
            #expect(metrics.contains("civicq_replica_lag_bytes"))
            #expect(metrics.contains("civicq_replica_lag_seconds"))
        }
    }
}
