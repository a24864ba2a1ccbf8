import Foundation
import Postgres
import TestSupport
import Testing

@Suite("civicq log (PostgreSQL)")
struct LogCommandTests {
    @Test("keygen, a sealing worker, export, verify with the public key; a changed file or table exits 65 naming the event")
    func sealExportVerify() async throws {
        try await TestDatabase.withMigratedSchema(size: 2) { client, schema in
            let target = ["--schema", schema, "--database-url", try TestDatabase.conninfo]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("log"))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let keyFile = directory.appendingPathComponent("log.key").path
            let made = try await CivicQProcess.run(["log", "keygen", keyFile, "--name", "test.civicq/\(schema)"])
            #expect(made.status == 0)
            let publicKey = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(publicKey.hasPrefix("test.civicq/\(schema)+"))
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try await CivicQProcess.run(["log", "keygen", keyFile, "--name", "x"]).status == 64)
            #expect(try await CivicQProcess.run(["log", "key", "--key-file", keyFile]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == publicKey)

            let eventIDs = try await client.withConnection { connection in
                try connection.executeScript(
                    """
                    INSERT INTO categories (code, name) VALUES ('02', '城乡建设');
                    INSERT INTO cases (source, external_id, category_code, area_code, title, description)
                    SELECT 'bulk', 'e' || g, '02', '420102001', '标题 ' || g, '描述' FROM generate_series(1, 20) AS g;
                    INSERT INTO case_events (case_id, actor, kind, reason)
                    SELECT c.id, 'test', 'note', '备注 ' || g FROM generate_series(1, 60) AS g
                    JOIN cases c ON c.external_id = 'e' || (g % 20 + 1);
                    UPDATE settings SET value = '0' WHERE key = 'log.checkpoint_seconds';
                    UPDATE settings SET value = '0.2' WHERE key = 'log.seal_seconds';
                    """)
                return try connection.query("SELECT id FROM case_events ORDER BY id").map { try $0.decode(Int64.self, at: 0) }
            }
            let worker = try CivicQProcess.launch(["worker", "--queues", "default", "--poll-ms", "100", "--log-key", keyFile] + target)
            defer { if worker.isRunning { worker.terminate() } }
            let sealed = try await TestDatabase.eventually(within: .seconds(30)) {
                try await client.withConnection { try $0.query("SELECT coalesce(max(size), 0) FROM log_checkpoints").scalar(Int.self) } == 60
            }
            #expect(sealed)
            worker.terminate()
            _ = try await TestDatabase.eventually { !worker.isRunning }

            let file = directory.appendingPathComponent("log.jsonl").path
            let exported = try await CivicQProcess.run(["log", "export", file] + target)
            #expect(exported.status == 0)
            #expect(exported.stdout.contains("60 events written"))
            let verified = try await CivicQProcess.run(["log", "verify", file, "--key", publicKey])
            #expect(verified.status == 0)
            #expect(verified.stdout.contains("proven: 60 events"))
            let live = try await CivicQProcess.run(["log", "verify", "--key", publicKey, "--json"] + target)
            #expect(live.status == 0)
            #expect(live.stdout.contains("\"proven\":true"))

            // Figures: stats --json names the checkpoint; recomputed from the export alone.
            let stats = try await CivicQProcess.run(["stats", "--json"] + target)
            #expect(stats.status == 0)
            #expect(stats.stdout.contains("\"checkpoint\":{") && stats.stdout.contains("\"size\":60"), "\(stats.stdout)")
            let recomputed = try await CivicQProcess.run(["stats", "verify", "--export", file, "--key", publicKey, "--by", "category"])
            #expect(recomputed.status == 0)
            #expect(recomputed.stdout.contains("recomputed from 60 events proven by"), "\(recomputed.stdout)\(recomputed.stderr)")

            // The file changed: exit 65, the event named.
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try text.replacingOccurrences(of: "备注 7\"", with: "备注 8\"").write(toFile: file, atomically: true, encoding: .utf8)
            let changed = try await CivicQProcess.run(["log", "verify", file, "--key", publicKey])
            #expect(changed.status == 65)
            let seventh = try await client.withConnection { try $0.query("SELECT id FROM case_events WHERE reason = '备注 7'").scalar(Int64.self) }
            #expect(changed.stdout.contains("event \(seventh ?? 0) "), "\(changed.stdout)")
            #expect(try await CivicQProcess.run(["stats", "verify", "--export", file, "--key", publicKey]).status == 65)

            // The table changed by a superuser with the triggers off: exit 65, the event named.
            try await client.withConnection { connection in
                try connection.executeScript(
                    "BEGIN; SET LOCAL session_replication_role = replica; UPDATE case_events SET actor = 'forger' WHERE id = \(eventIDs[20]); COMMIT")
            }
            let tampered = try await CivicQProcess.run(["log", "verify", "--key", publicKey] + target)
            #expect(tampered.status == 65)
            #expect(tampered.stdout.contains("event \(eventIDs[20])"))
            #expect(try await CivicQProcess.run(["log", "verify", file, "--key", "not-a-key"]).status == 64)
        }
    }
}
