import Casework
import Foundation
import Postgres
import TestSupport

/// A sealed log to verify and tamper with: bulk cases and events written as the superuser,
/// sealed in batches with a checkpoint after each.
struct EventLogFixture: Sendable {
    let fixture: CaseworkFixture
    let key: LogSigningKey

    init(_ fixture: CaseworkFixture) throws {
        self.fixture = fixture
        self.key = try LogSigningKey(name: "test.civicq/\(fixture.schema)")
    }

    /// `events` events over `events / 5` cases, as the database writes them.
    func write(events: Int) async throws {
        try await fixture.client.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO cases (source, external_id, category_code, area_code, title, description)
                SELECT 'bulk', 'e' || g, '020103', '4201020' || lpad((g % 99)::text, 2, '0'), '标题 ' || g, '描述'
                FROM generate_series(1, \(max(events / 5, 1))) AS g
                """)
            try connection.execute(
                """
                INSERT INTO case_events (case_id, actor, kind, from_state, to_state, department_code, reason, public, details)
                SELECT c.id, 'actor_' || (g % 7), (ARRAY['received', 'dispatched', 'accepted', 'note', 'resolved'])[g % 5 + 1],
                       'received', 'dispatched', 'water', '原因 ' || g, g % 2 = 0,
                       CASE g % 5 WHEN 1 THEN jsonb_build_object('rule', 'r' || g, 'assists', jsonb_build_array('urban'))
                                  WHEN 2 THEN jsonb_build_object('task', 'lead', 'on_time', g % 2 = 0)
                                  WHEN 4 THEN jsonb_build_object('on_time', g % 3 = 0) ELSE '{}' END
                FROM generate_series(1, \(events)) AS g
                JOIN cases c ON c.source = 'bulk' AND c.external_id = 'e' || (g % \(max(events / 5, 1)) + 1)
                """)
        }
    }

    /// Seals everything, `batch` events per step, each step signing a checkpoint. A step may
    /// seal nothing while any older transaction of the cluster (another test's) still runs.
    @discardableResult
    func seal(batch: Int) async throws -> Int64 {
        try await fixture.setting("log.checkpoint_seconds", "0")
        var size: Int64 = 0
        while true {
            let outcome = try await fixture.client.withConnection { [key, store = fixture.store] in
                try store.sealLog(limit: batch, key: key, on: $0)
            }
            size = outcome.size
            if outcome.sealed == 0 {
                let left = try await fixture.client.withConnection { [store = fixture.store] in try store.unsealedEvents(on: $0) }
                if left == 0 { return size }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Runs `body` in a transaction that is rolled back, with triggers off (as a superuser
    /// can), and verifies the log inside it.
    func tampered(_ body: @escaping @Sendable (PostgresConnection) throws -> Void) async throws -> LogVerification {
        for attempt in 1... {
            do {
                return try await fixture.client.withConnection { [key, store = fixture.store] connection in
                    try connection.executeScript("BEGIN; SET LOCAL session_replication_role = replica")
                    defer { _ = try? connection.executeScript("ROLLBACK") }
                    try body(connection)
                    return try store.verifyLog(key: key.verifierKey, on: connection)
                }
            } catch let error as PostgresError where error.sqlState?.rawValue == "40P01" && attempt < 5 {
                continue  // two tamperings at once deadlocked; this one was chosen to yield
            }
        }
        fatalError("unreachable")
    }
}

/// SplitMix64: a seeded generator, so that a failing run can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
