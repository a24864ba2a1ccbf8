import Foundation
import Postgres
import TestSupport
import Testing

extension CaseCommandTests {
    /// README.md's tour, pasted as it stands: the block between `<!-- tour:begin -->` and
    /// `<!-- tour:end -->` runs in bash (`set -euo pipefail`) against the example city with a
    /// server and a worker, with the variables `scripts/demo` exports and the binary on PATH.
    @Test func theReadmeTourPastes() async throws {
        try await Self.inOwnSchema("tour") { _, environment in
            var processes: [Process] = []
            defer { for process in processes where process.isRunning { process.terminate(); process.waitUntilExit() } }
            try await tour(environment: environment, processes: &processes)
        }
    }

    static var readme: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
    }

    /// The tour's shell block.
    static func tourBlock() throws -> String {
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let begin = text.range(of: "<!-- tour:begin -->\n```sh\n"),
              let end = text.range(of: "```\n<!-- tour:end -->", range: begin.upperBound..<text.endIndex)
        else { throw CocoaError(.fileReadCorruptFile) }
        return String(text[begin.upperBound..<end.lowerBound])
    }

    private func tour(environment: [String: String], processes: inout [Process]) async throws {
        func civicq(_ arguments: String...) async throws -> CivicQProcess.Outcome {
            try await Self.civicq(arguments, environment: environment)
        }
        try await Self.migrateWithTheExampleCity(environment: environment)
        let key = try await civicq("keys", "create", "--source", "hotline").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let office = try await civicq("keys", "create", "--source", "office", "--scope", "dashboard:read").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let port = ServeProcessTests.freePort()
        processes.append(try CivicQProcess.launch(["serve", "--port", String(port)], environment: environment))
        processes.append(try CivicQProcess.launch(["worker", "--poll-ms", "50"], environment: environment))
        let url = "http://127.0.0.1:\(port)"
        let ready = try await TestDatabase.eventually {
            (try? await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/curl"), ["-fsS", "\(url)/readyz"]))?.status == 0
        }
        #expect(ready)

        var shell = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        shell["PATH"] = CivicQProcess.executable.deletingLastPathComponent().path + ":" + (shell["PATH"] ?? "/usr/bin:/bin")
        shell.merge(["URL": url, "KEY": key, "OFFICE_KEY": office, "LC_ALL": "", "LANG": "C.UTF-8"]) { _, new in new }
        let block = try Self.tourBlock()
        let run = try await ChildProcess.run(URL(fileURLWithPath: "/bin/bash"), ["-c", "set -euo pipefail\n" + block], environment: shell)
        #expect(run.status == 0, "the tour stopped: \(run.stderr)\n\(run.stdout.suffix(2000))")
        let out = run.stdout
        // The case the POST answered, worked to the end, in the city's language and zone.
        let id = try #require(out.split(separator: "\n").first { $0.hasPrefix("case ") }.map { String($0.dropFirst(5)) })
        #expect(Int(id) != nil)
        #expect(out.contains("状态         dispatched") && out.contains("+08:00"), "\(out.prefix(1500))")
        #expect(out.contains("案件 \(id) 已签收") && out.contains("案件 \(id) 已办结") && out.contains("案件 \(id) 已结案"))
        #expect(out.contains("callback_answered") && out.contains("closed"))
        #expect(out.contains("the dashboard: \(url)/dashboard?key=\(office)"))
        let state = try await TestDatabase.asAdmin { connection in
            try connection.execute("SET search_path TO \(identifier: environment["CIVICQ_SCHEMA"]!)")
            return try connection.query("SELECT state::text FROM cases WHERE id = \(Int64(id) ?? 0)").scalar(String.self)
        }
        #expect(state == "closed")
    }
}
