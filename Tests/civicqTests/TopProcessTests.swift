import Foundation
import TestSupport
import Testing

/// `civicq top` against a PostgreSQL of its own that restarts under it.
@Suite("civicq top rides out a database restart")
struct TopProcessTests {
    @Test func topSaysItIsReconnectingAndResumes() async throws {
        let pair = try await PostgresPair.start()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-top-\(UUID().uuidString).txt")
        var top: Process?
        do {
            let environment = ["DATABASE_URL": pair.primaryURL, "CIVICQ_SCHEMA": "city"]
            #expect(try await CivicQProcess.run(["migrate"], environment: environment).status == 0)
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let process = Process()
            process.executableURL = CivicQProcess.executable
            process.arguments = ["top", "--interval", "0.3"]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
            top = process
            func frames() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
            #expect(try await TestDatabase.eventually { frames().contains("civicq top — city — ") })
            // A restart, held open until top has noticed (a quick one may fall between refreshes).
            try await pair.stopPrimary()
            let noticed = try await TestDatabase.eventually { frames().contains("the database did not answer; reconnecting (try ") }
            #expect(noticed)
            try await pair.startPrimary()
            // It said so while the server was away, kept running, and drew a fresh frame after:
            // each "reconnecting" line reprints the last frame's header once, so after the first
            // of them there are more headers than such lines only once a new frame was read.
            let resumed = try await TestDatabase.eventually {
                let lines = frames().split(separator: "\n")
                guard let first = lines.firstIndex(where: { $0.contains("the database did not answer; reconnecting") }) else { return false }
                let after = lines[first...]
                let away = after.filter { $0.contains("reconnecting (try ") }.count
                let headers = after.filter { $0.hasPrefix("civicq top — city — ") }.count
                return headers > away
            }
            #expect(resumed, "\(frames().suffix(1500))")
            #expect(process.isRunning)
        } catch {
            top?.terminate()
            await pair.remove()
            throw error
        }
        top?.interrupt()
        top?.waitUntilExit()
        try? FileManager.default.removeItem(at: output)
        await pair.remove()
    }
}
