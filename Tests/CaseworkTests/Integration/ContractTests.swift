import Casework
import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// One test per contract between Swift and SQL: each reads the database's side from the
/// catalog of a migrated schema and fails when it and the Swift definition differ.
@Suite("Swift/SQL contracts")
struct ContractTests {
    private static func read<R: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> R) async throws -> R {
        try await TestDatabase.withMigratedSchema(size: 1) { client, _ in try await client.withConnection(body) }
    }

    private static func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func eventKindsAndTheirDetailsKeys() async throws {
        let (contract, constraint) = try await Self.read { connection in
            (try connection.query("SELECT case_event_kinds()::text").scalar(String.self) ?? "{}",
             try connection.query(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'case_events'::regclass AND conname = 'case_events_contract'"
             ).scalar(String.self))
        }
        let database = try Self.jsonObject(contract).mapValues { Set(($0 as? [String]) ?? ["not a list"]) }
        let swift = Dictionary(uniqueKeysWithValues: CaseEventKind.allCases.map { ($0.rawValue, $0.detailsKeys) })
        #expect(database == swift)
        #expect(constraint?.contains("case_event_fits(kind, details)") == true)
    }

    @Test func theDatabaseRefusesEventsOutsideTheContract() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let id = try await fixture.submit(CaseworkFixture.complaint())
            let attempts = [
                "INSERT INTO case_events (case_id, actor, kind) VALUES (\(id), 'test', 'renamed_kind')",
                "INSERT INTO case_events (case_id, actor, kind, details) VALUES (\(id), 'test', 'accepted', '{\"task\": \"lead\", \"extra\": 1}')",
                "INSERT INTO case_events (case_id, actor, kind, details) VALUES (\(id), 'test', 'note', '{\"n\": 1}')",
            ]
            for statement in attempts {
                let error = await #expect(throws: PostgresError.self) {
                    try await fixture.client.withConnection { try $0.execute(PostgresQuery(unsafeSQL: statement)) }
                }
                #expect(error?.sqlState == .checkViolation, "\(statement)")
            }
            try await fixture.client.withConnection {
                try $0.execute("INSERT INTO case_events (case_id, actor, kind, details) VALUES (\(id), 'test', 'accepted', '{\"task\": \"lead\"}')")
            }
        }
    }

    @Test func jobKindsQueuesAndPayloads() async throws {
        let contract = try await Self.read { try $0.query("SELECT casework_jobs()::text").scalar(String.self) ?? "{}" }
        var database: [String: String] = [:]
        for (kind, value) in try Self.jsonObject(contract) {
            let spec = value as? [String: Any] ?? [:]
            database[kind] = "\(spec["queue"] as? String ?? "?") \(((spec["payload"] as? [String]) ?? []).sorted()) \(spec["max_attempts"] as? Int ?? 0)"
        }
        let swift = Dictionary(uniqueKeysWithValues: CaseworkJobKind.allCases.map {
            ($0.rawValue, "\($0.queue.rawValue) \($0.payloadKeys.sorted()) \($0.maxAttempts)")
        })
        #expect(database == swift)
        // Every queue but `default` has a kind; workers name no queue that nothing fills.
        #expect(Set(CaseworkJobKind.allCases.map(\.queue)) == Set(CaseworkQueue.allCases).subtracting([.default]))
    }

    @Test func theCaseworkEnqueueRefusesUnknownKindsAndKeys() async throws {
        try await TestDatabase.withMigratedSchema(size: 1) { client, _ in
            try await client.withConnection { connection in
                for statement in [
                    "SELECT casework_enqueue('case.renamed', '{\"case\": 1}')",
                    "SELECT casework_enqueue('case.route', '{\"case\": 1, \"extra\": 2}')",
                    "SELECT enqueue_job('case.route', '{\"case\": 1}', now(), NULL, 'clocks')",
                ] {
                    #expect(throws: PostgresError.self, "\(statement)") { try connection.execute(PostgresQuery(unsafeSQL: statement)) }
                }
                let id = try connection.query("SELECT casework_enqueue('case.route', '{\"case\": 1}', now(), 'k')").scalar(Int64.self)
                let row = try connection.query("SELECT queue, state::text, max_attempts FROM jobs WHERE id = \(id ?? 0)").first
                    .map { try $0.decode((String, String, Int).self) }
                #expect(row?.0 == "routing" && row?.1 == "available" && row?.2 == 20)
            }
        }
    }

    @Test func theNotifyChannel() async throws {
        try await TestDatabase.withMigratedSchema(size: 1) { client, schema in
            let database = try await client.withConnection { try $0.query("SELECT job_channel()").scalar(String.self) }
            #expect(database == JobQueueSchema.channel(schema: schema))
        }
    }

    @Test func statesTransitionsAndFinalStates() async throws {
        let (states, final, index, actions, outgoing) = try await Self.read { connection in
            (try connection.query("SELECT unnest(enum_range(NULL::case_state))::text").map { try $0.decode(String.self, at: 0) },
             try connection.query("SELECT unnest(case_final_states())::text").map { try $0.decode(String.self, at: 0) },
             try connection.query("SELECT pg_get_indexdef('cases_state_idx'::regclass)").scalar(String.self) ?? "",
             try connection.query("SELECT DISTINCT action FROM case_transitions").map { try $0.decode(String.self, at: 0) },
             try connection.query("SELECT DISTINCT from_state::text FROM case_transitions").map { try $0.decode(String.self, at: 0) })
        }
        #expect(states == CaseState.allCases.map(\.rawValue))
        #expect(final == CaseState.final.map(\.rawValue))
        let indexed = index.matches(of: /'([a-z_]+)'::/).map { String($0.1) }
        #expect(indexed == CaseState.final.map(\.rawValue), "\(index)")
        #expect(Set(actions) == Set(CaseAction.allCases.map(\.rawValue)))
        // Final states have no way out; every other state has one.
        #expect(Set(outgoing) == Set(CaseState.allCases.filter { !$0.isFinal }.map(\.rawValue)))
    }

    /// The ledger's states and event kinds: the CHECK constraints are the Swift enum and the
    /// kinds `ledger show` names.
    @Test func ledgerStatesAndEventKinds() async throws {
        let (states, kinds) = try await Self.read { connection in
            (try connection.query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ledger_items'::regclass AND conname = 'ledger_items_state_check'").scalar(String.self) ?? "",
             try connection.query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ledger_events'::regclass AND conname = 'ledger_events_kind_check'").scalar(String.self) ?? "")
        }
        #expect(states.matches(of: /'([a-z_]+)'::/).map { String($0.1) } == LedgerItemState.allCases.map(\.rawValue))
        #expect(Set(kinds.matches(of: /'([a-z_]+)'::/).map { String($0.1) }) == Set(LedgerEventKind.allCases.map(\.rawValue)))
    }

    @Test func openStatesOneListInSQL() async throws {
        let (open, indexes, bodies, plan) = try await Self.read { connection in
            (try connection.query("SELECT unnest(case_open_states())::text").map { try $0.decode(String.self, at: 0) },
             try ["cases_open_lead_due_idx", "cases_overdue_idx"].map {
                 try connection.query("SELECT pg_get_indexdef(\($0)::regclass)").scalar(String.self) ?? ""
             },
             try ["clock_met(case_state, timestamptz, text)", "inbox_case_ids(text, text[], boolean, text, text, integer)"].map {
                 try connection.query("SELECT pg_get_functiondef(\($0)::regprocedure)").scalar(String.self) ?? ""
             },
             try connection.transaction { connection in
                 try connection.execute("SET LOCAL enable_seqscan = off")
                 try connection.execute("SET LOCAL enable_bitmapscan = off")
                 return try connection.query(
                    """
                    EXPLAIN SELECT id FROM cases WHERE lead_department = 'water' AND state = ANY (case_open_states())
                    ORDER BY lead_department, (CASE WHEN accepted_at IS NULL THEN response_due ELSE resolution_due END), id
                    """).map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
             })
        }
        #expect(open == CaseState.open.map(\.rawValue))
        // The partial indexes spell the open states out, in the same order.
        for index in indexes {
            #expect(index.matches(of: /'([a-z_]+)'::/).map { String($0.1) } == CaseState.open.map(\.rawValue), "\(index)")
        }
        // The live functions name no state list of their own.
        for body in bodies {
            #expect(body.contains("case_open_states()"))
            #expect(!body.contains("'manual_dispatch'") && !body.contains("'withdrawn'"), "\(body.prefix(80))")
        }
        // The planner proves the partial index from the function.
        #expect(plan.contains("cases_open_lead_due_idx"), "\(plan)")
    }

    @Test func callbackRatingsAndTheirOutcome() async throws {
        let (check, outcomes) = try await Self.read { connection in
            (try connection.query(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'callbacks'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%rating%'"
             ).scalar(String.self) ?? "",
             try connection.query(
                "SELECT s, r, callback_outcome(s, r) FROM unnest(ARRAY[true, false]) AS s, unnest(\(CallbackRating.allCases.map(\.rawValue))) AS r"
             ).map { try $0.decode((Bool, String, String).self) })
        }
        #expect(check.matches(of: /'([a-z_]+)'::/).map { String($0.1) } == CallbackRating.allCases.map(\.rawValue), "\(check)")
        for (solved, rating, outcome) in outcomes {
            #expect(outcome == (solved && rating != CallbackRating.dissatisfied.rawValue ? "close" : "reopen"), "\(solved) \(rating)")
        }
    }

    @Test func histogramBoundsAndRollupCounters() async throws {
        let (bounds, counters, apply) = try await Self.read { connection in
            (try connection.query("SELECT unnest(figure_histogram_bounds())").map { try $0.decode(Double.self, at: 0) },
             try connection.query(
                "SELECT attname::text FROM pg_attribute WHERE attrelid = 'figure_rollup'::regclass AND attnum > 0 AND NOT attisdropped AND atttypid = 'bigint'::regtype ORDER BY attnum"
             ).map { try $0.decode(String.self, at: 0) },
             try connection.query("SELECT prosrc FROM pg_proc WHERE oid = 'figure_apply(jsonb)'::regprocedure").scalar(String.self) ?? "")
        }
        #expect(bounds == FigureHistogram.bounds)
        #expect(counters == FigureCounter.allCases.map(\.column))
        // figure_apply adds every counter and every bucket (bounds + 1), and no more.
        for counter in FigureCounter.allCases { #expect(apply.contains("\(counter.column) = r.\(counter.column) + excluded.\(counter.column)")) }
        let buckets = FigureHistogram.bounds.count + 1
        #expect(apply.contains("r.respond_hist[\(buckets)]") && !apply.contains("r.respond_hist[\(buckets + 1)]"))
    }

    /// A job's outcome is recorded with synchronous commit, on whichever server is the primary
    /// then; a handler's effects must be as durable, or a failover keeps the outcome and loses
    /// them (scripts/chaos-ha found routed cases lost this way while route_apply committed
    /// asynchronously). No function of the schema may turn synchronous commit off.
    @Test func noFunctionCommitsAsynchronously() async throws {
        let offenders = try await Self.read { connection in
            try connection.query(
                """
                SELECT p.proname FROM pg_proc p
                WHERE p.pronamespace = current_schema()::regnamespace
                  AND (p.prosrc ILIKE '%synchronous_commit%'
                       OR EXISTS (SELECT 1 FROM unnest(p.proconfig) AS c WHERE c ILIKE 'synchronous_commit=%'))
                ORDER BY 1
                """
            ).map { try $0.decode(String.self, at: 0) }
        }
        #expect(offenders == [])
    }
}
