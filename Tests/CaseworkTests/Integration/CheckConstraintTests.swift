import Casework
import Postgres
import TestSupport
import Testing

/// Migration 032 rewrote the checks every case write pays without counted repetition. Each
/// rewritten constraint, as the database holds it, must accept exactly the values the old
/// expression accepted: the constraint's own expression is evaluated for each value (the
/// column supplied by a one-row subquery) beside the old regular expression.
@Suite("The cheaper checks on cases and events")
struct CheckConstraintTests {
    static let rules: [(table: String, constraint: String, column: String, old: String)] = [
        ("cases", "cases_source_check", "source", "^[A-Za-z0-9_.-]{1,64}$"),
        ("cases", "cases_area_code_check", "area_code", "^[0-9]{2,15}$"),
        ("cases", "cases_citizen_phone_check", "citizen_phone", "^[0-9+() -]{3,32}$"),
        ("case_events", "case_events_kind_check", "kind", "^[a-z_]{1,32}$"),
    ]

    /// Around each bound, characters beside each class, non-ASCII look-alikes, line ends.
    static let values: [String] = {
        var values = ["", "a", "1", "12", "110105", "bench", "open311.app-2", "A_b.c-D", "dispatched", "manual_dispatch",
                      "138 0013 8000", "+86 (10) 1234-5678", "12", "1 2", "12a", "a12", "١٢٣", "１２３", "12\n", "\n12", "12 ",
                      "ab\u{0}", "é", "ab/c", "a b", "_", "-", ".", "()", "+", "1\t2", "Ab", "ab", "a-b", "a_b", "a.b", "漏水"]
        for length in [1, 2, 3, 14, 15, 16, 31, 32, 33, 63, 64, 65] {
            values.append(String(repeating: "7", count: length))
            values.append(String(repeating: "k", count: length))
            values.append(String(repeating: "7", count: max(0, length - 1)) + "é")
        }
        return values.filter { !$0.contains("\u{0}") }
    }()

    @Test("each rewritten check accepts what its counted regular expression accepted, and nothing else")
    func sameRules() async throws {
        try await TestDatabase.withMigratedSchema { client, _ in
            try await client.withConnection { connection in
                for rule in Self.rules {
                    let expression = try connection.query(
                        "SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE conrelid = \(rule.table)::regclass AND conname = \(rule.constraint)"
                    ).scalar(String.self)
                    let check = try #require(expression, "\(rule.constraint) is missing")
                    #expect(!check.contains("{"), "\(rule.constraint) still counts: \(check)")
                    let results = try connection.query(
                        PostgresQuery(unsafeSQL: """
                            SELECT v, (\(check)) IS NOT FALSE, v ~ $2 FROM unnest($1::text[]) AS v, LATERAL (SELECT v AS \(rule.column)) AS s
                            """, binds: {
                                var binds = PostgresBindings()
                                binds.append(Self.values)
                                binds.append(rule.old)
                                return binds
                            }()))
                    for row in results {
                        let (value, now, before) = try row.decode((String, Bool, Bool).self)
                        #expect(now == before, "\(rule.constraint) on \(value.debugDescription): \(now) now, \(before) before")
                    }
                    #expect(results.count == Self.values.count)
                }
            }
        }
    }
}
