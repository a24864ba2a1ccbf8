import Casework
import Foundation
import Logging
import Postgres

/// `civicq-bench log [--jobs N]`: N events (default 1,000,000) written as intake and routing
/// write them, then sealed by the sealing job's own step (batches of 5,000, each a
/// transaction), a checkpoint signed, and the log verified three ways: the live tables, an
/// export written to a file, and that file read back with the public key alone.
///
/// The floor: pgbench running the sealing step's SQL (hash 5,000 events in order after a
/// random point and insert their leaves, one transaction) in the same run; the sealer adds
/// the round trip of the hashes and the tree in Swift.
struct LogBench {
    let options: BenchOptions

    func run() async throws {
        let events = options.jobs
        try await BenchDatabase.with(prefix: "bench_log", migrated: true) { database in
            let schema = database.schema
            let store = CaseworkStore(schema: schema)
            let client = PostgresClient(
                configuration: .init(connection: try PostgresConfiguration.fromEnvironment(options: CaseworkStore.sessionOptions(schema: schema)), size: 2),
                logger: database.logger)
            defer { Task { await client.close() } }
            let (version, fsync, synchronous) = try await database.settings()
            print("log: \(events) events; PostgreSQL \(version), fsync \(fsync), synchronous_commit \(synchronous)")

            var started = ContinuousClock.now
            try await client.withConnection { connection in
                try connection.executeScript(
                    """
                    INSERT INTO categories (code, name) VALUES ('02', '城乡建设');
                    INSERT INTO cases (source, external_id, category_code, area_code, title, description, received_at)
                    SELECT 'bench', 'e' || g, '02', '4201020' || lpad((g % 40)::text, 2, '0'), '标题 ' || g, '描述', now() - interval '30 days'
                    FROM generate_series(1, \(max(events / 5, 1))) AS g;
                    INSERT INTO case_events (case_id, actor, kind, from_state, to_state, department_code, reason, public, details)
                    SELECT \(max(events / 5, 1)) - (g % \(max(events / 5, 1))) + (SELECT min(id) - 1 FROM cases), 'actor_' || (g % 7),
                           (ARRAY['received', 'dispatched', 'accepted', 'note', 'resolved'])[g % 5 + 1], 'received', 'dispatched',
                           'water', '已处理，回复市民 ' || g, g % 2 = 0,
                           -- details of each kind's own keys (the contract of migration 020)
                           CASE g % 5 WHEN 0 THEN jsonb_build_object('channel', 'hotline')
                                      WHEN 1 THEN jsonb_build_object('rule', 'r' || g, 'version', 1, 'assists', jsonb_build_array('urban'))
                                      WHEN 2 THEN jsonb_build_object('task', 'lead', 'on_time', g % 3 = 0)
                                      WHEN 3 THEN '{}'::jsonb
                                      ELSE jsonb_build_object('on_time', g % 2 = 0) END
                    FROM generate_series(1, \(events)) AS g;
                    TRUNCATE figure_dirty;
                    """)
                try connection.executeScript("VACUUM ANALYZE \(schema).case_events")
                try connection.executeScript("VACUUM ANALYZE \(schema).cases")
            }
            print(String(format: "  written in %.1f s (not part of the figures)", Self.seconds(since: started)))

            let key = try LogSigningKey(name: "bench.civicq/\(schema)")
            started = ContinuousClock.now
            var steps = 0
            while true {
                let outcome = try await client.withConnection { try store.sealLog(limit: 5_000, key: key, on: $0) }
                steps += 1
                if outcome.sealed == 0, try await client.withConnection({ try store.unsealedEvents(on: $0) }) == 0 { break }
            }
            let sealSeconds = Self.seconds(since: started)
            try await client.withConnection { connection in
                try connection.execute("UPDATE settings SET value = '0' WHERE key = 'log.checkpoint_seconds'")
                _ = try store.sealLog(key: key, on: connection)
            }
            let sealRate = Double(events) / sealSeconds
            print(String(format: "  sealed in %.1f s: %.0f events/s (%d steps of up to 5,000)", sealSeconds, sealRate, steps))

            let floor = try PgbenchLogFloor(schema: schema, events: events).run()
            if let floor {
                print(String(format: "  floor: pgbench, the sealing SQL without the client's share: %.0f events/s (we reach %.0f%%)", floor, sealRate / floor * 100))
            } else {
                print("  floor: pgbench not found")
            }

            started = ContinuousClock.now
            let live = try await client.withConnection { connection in
                try connection.transaction(isolation: .repeatableRead, readOnly: true) { try store.verifyLog(key: key.verifierKey, on: $0) }
            }
            let liveSeconds = Self.seconds(since: started)
            print(String(format: "  verify, live tables: %.1f s (%@, %lld events, %d checkpoints)",
                         liveSeconds, live.proven ? "proven" : "NOT proven", live.events, live.checkpointsProven))
            // Again: the first read after the log was written and sealed also pays for what a
            // fresh table costs its first reader (hint bits, pages not yet in memory); the
            // second is the verification alone, as on a log written over months.
            started = ContinuousClock.now
            let again = try await client.withConnection { connection in
                try connection.transaction(isolation: .repeatableRead, readOnly: true) { try store.verifyLog(key: key.verifierKey, on: $0) }
            }
            let againSeconds = Self.seconds(since: started)
            print(String(format: "  verify, live tables, again: %.1f s (%@)", againSeconds, again.proven ? "proven" : "NOT proven"))

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-log-\(schema).jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            let handle = try FileHandle(forWritingTo: file)
            started = ContinuousClock.now
            try await client.withConnection { connection in
                var pending: [UInt8] = []
                _ = try store.exportLog(origin: key.name, on: connection) { line in
                    pending.append(contentsOf: line.utf8)
                    pending.append(10)
                    if pending.count > 1 << 20 { handle.write(Data(pending)); pending.removeAll(keepingCapacity: true) }
                }
                handle.write(Data(pending))
            }
            try handle.close()
            let exportSeconds = Self.seconds(since: started)
            let bytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            print(String(format: "  export: %.1f s, %.0f MB", exportSeconds, Double(bytes) / 1e6))

            started = ContinuousClock.now
            let offline = LogExport.verify(lines: try LogFileLines(path: file.path), key: key.verifierKey).verification
            let fileSeconds = Self.seconds(since: started)
            print(String(format: "  verify, the export with the public key alone: %.1f s (%@, %lld events)",
                         fileSeconds, offline.proven ? "proven" : "NOT proven", offline.events))

            if options.json {
                let object: [String: Any] = [
                    "events": events, "seal_seconds": sealSeconds, "seal_events_per_second": sealRate,
                    "floor_events_per_second": floor ?? NSNull(), "verify_live_seconds": liveSeconds, "verify_live_proven": live.proven,
                    "verify_live_again_seconds": againSeconds, "verify_live_again_proven": again.proven,
                    "export_seconds": exportSeconds, "export_bytes": bytes, "verify_file_seconds": fileSeconds, "verify_file_proven": offline.proven,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// pgbench running the sealing step's statements: 5,000 events after a random point in
/// sealing order (case events and ledger events merged, as the step reads them), hashed by
/// `log_leaf_hash` and `ledger_leaf_hash`, their leaves inserted (into a table of the same
/// shape), one transaction each, one client.
struct PgbenchLogFloor {
    let schema: String
    let events: Int

    func run() throws -> Double? {
        guard let pgbench = PgbenchFloor.pgbench else { return nil }
        _ = try PgbenchFloor.execute(
            PgbenchFloor.psql ?? "psql",
            ["-q", "-v", "ON_ERROR_STOP=1", "-c",
             "CREATE TABLE \(schema).floor_leaves (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id bigint NOT NULL, leaf_hash bytea NOT NULL)"]
                + PgbenchFloor.connectionArguments)
        let script = """
            \\set start random(0, \(max(events - 5_000, 1)))
            BEGIN;
            INSERT INTO \(schema).floor_leaves (event_id, leaf_hash) SELECT id, h FROM ((SELECT e.id, coalesce(e.seal_xid, '0'::xid8) AS x, \(schema).log_leaf_hash(e, c) AS h FROM \(schema).case_events e JOIN \(schema).cases c ON c.id = e.case_id WHERE (coalesce(e.seal_xid, '0'::xid8), e.id) > ('0'::xid8, :start + (SELECT min(id) FROM \(schema).case_events)) ORDER BY coalesce(e.seal_xid, '0'::xid8), e.id LIMIT 5000) UNION ALL (SELECT g.id, coalesce(g.seal_xid, '0'::xid8), \(schema).ledger_leaf_hash(g, i) FROM \(schema).ledger_events g JOIN \(schema).ledger_items i ON i.id = g.item_id WHERE (coalesce(g.seal_xid, '0'::xid8), g.id) > ('0'::xid8, :start + (SELECT min(id) FROM \(schema).case_events)) ORDER BY coalesce(g.seal_xid, '0'::xid8), g.id LIMIT 5000)) u ORDER BY x, id LIMIT 5000;
            COMMIT;

            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-log-floor-\(UUID().uuidString).sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var best = 0.0
        for _ in 0..<3 {
            let output = try PgbenchFloor.execute(pgbench, ["-n", "-c", "1", "-t", "30", "-f", file.path] + PgbenchFloor.connectionArguments)
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps") }),
               let tps = line.split(separator: " ").dropFirst(2).first.flatMap({ Double($0) }) {
                best = max(best, tps * 5_000)
            }
        }
        return best > 0 ? best : nil
    }
}
