import Casework
import CivicSchema
import Foundation
import Postgres
import TestSupport
import Testing

/// The definer-function rule: civicq's SECURITY DEFINER functions run as the schema's owner,
/// so they must never read or write a relation the caller planted in their temporary schema.
@Suite("Definer functions")
struct DefinerTests {
    @Test func everyDefinerFunctionSearchesTheSchemaThenPgTemp() async throws {
        try await TestDatabase.withMigratedSchema { client, schema in
            let rows = try await client.withConnection { connection in
                try connection.query(
                    """
                    SELECT p.oid::regprocedure::text, coalesce(array_to_string(p.proconfig, ';'), '')
                    FROM pg_proc p WHERE p.pronamespace = \(schema)::regnamespace AND p.prosecdef ORDER BY 1
                    """).map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
            }
            #expect(rows.count >= 18, "the schema should have its definer functions: \(rows.map(\.0))")
            for (function, config) in rows {
                // Other settings may follow (a lock timeout); the search path is always this one.
                let settings = config.split(separator: ";").map(String.init)
                #expect(settings.first == "search_path=\(schema), pg_temp", "\(function) has \(config)")
                #expect(settings.filter { $0.hasPrefix("search_path=") }.count == 1, "\(function) has \(config)")
            }
            let unsafe = try await client.withConnection { try PostgresMigrator.unsafeDefinerFunctions(schema: schema, on: $0) }
            #expect(unsafe.isEmpty)
        }
    }

    /// A handler, the desk and a callback agent plant a temporary table (with a trigger) under
    /// the name of every relation and type of the schema, then call every definer function
    /// they may call. Each call, and what it leaves in the real tables, is the same as without
    /// the plants, and no planted trigger ran.
    @Test func plantedTemporaryTablesChangeNothing() async throws {
        try await CaseworkFixture.run { fixture in
            let schema = fixture.schema
            let water = try await fixture.person(.handler, of: "water")
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let agent = try await fixture.person(.callback, of: "desk")
            let power = try await fixture.person(.handler, of: "power")
            // The cases the calls work on.
            let dispatched = try await fixture.submit(CaseworkFixture.complaint())
            let second = try await fixture.submit(CaseworkFixture.complaint())
            let accepted = try await fixture.submit(CaseworkFixture.complaint())
            for id in [dispatched, second, accepted] { try await fixture.waitFor(id, .dispatched) }
            _ = try await fixture.as(water) { try $1.accept(accepted, on: $0) }
            let extended = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(extended, .dispatched)
            _ = try await fixture.as(water) { try $1.accept(extended, on: $0) }
            let extensionID = try await fixture.as(water) {
                try $1.requestExtension(extended, until: Date().addingTimeInterval(30 * 86_400), reason: "需要协调", on: $0)
            }
            let resolved = try await fixture.resolvedCase(by: water)
            let hotspot = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO \(unsafe: schema).hotspots (category_code, area_code, level, day, count, expected, p_value)
                    SELECT category_code, left(area_code, 6), 'district', current_date, 9, 1.5, 0.0001
                    FROM \(unsafe: schema).cases WHERE id = \(dispatched) RETURNING id
                    """).scalar(Int64.self) ?? 0
            }
            // Ledger items: one open (lead water, power assisting), one waiting for a decision.
            let due = try await LedgerTests.nextWorkingDay(fixture)
            let item = try await fixture.as(desk) {
                try $1.newLedgerItem(NewLedgerItem(title: "积水点整治", lead: "water", assisting: ["power"], due: due), cases: [dispatched], on: $0)
            }
            let requested = try await fixture.as(desk) { try $1.newLedgerItem(NewLedgerItem(title: "路灯", lead: "water", due: due), on: $0) }
            _ = try await fixture.as(water) {
                try $1.requestCloseOut(requested, note: "已修复", files: [.init(name: "a.pdf", bytes: LedgerTests.pdf)], on: $0)
            }
            let goodRow = #"{"line": 2, "title": "井盖缺失", "lead": "water", "due": "\#(due)"}"#
            let badRow = #"{"line": 3, "title": "x", "lead": "nobody", "due": "\#(due)"}"#

            let s = schema
            let calls: [(login: String, function: String, sql: String, caseID: Int64)] = [
                (water, "current_actor", "SELECT \(s).current_actor()::text", dispatched),
                (power, "current_actor", "SELECT \(s).current_actor()::text", dispatched),
                (power, "actor_sees_all", "SELECT \(s).actor_sees_all()::text", dispatched),
                (power, "visible_case_ids", "SELECT array(SELECT \(s).visible_case_ids() ORDER BY 1)::text", dispatched),
                (power, "actor_department", "SELECT \(s).actor_department()", dispatched),
                (water, "inbox_case_ids", "SELECT array(SELECT \(s).inbox_case_ids('water', ARRAY['dispatched','accepted'], false, '', '', 50))::text", dispatched),
                (power, "inbox_case_ids", "SELECT array(SELECT \(s).inbox_case_ids('water', ARRAY['dispatched'], false, '', '', 50))::text", dispatched),
                (water, "inbox_count", "SELECT \(s).inbox_count('water', ARRAY['dispatched','accepted'], false, '', '', 100)::text", dispatched),
                (power, "inbox_count", "SELECT \(s).inbox_count('water', ARRAY['dispatched'], false, '', '', 100)::text", dispatched),
                (desk, "inbox_count", "SELECT \(s).inbox_count('water', ARRAY['dispatched'], false, '02', '', 1)::text", dispatched),
                (desk, "office_submit", """
                    SELECT array(SELECT created FROM \(s).office_submit('desk', ARRAY[jsonb_populate_record(NULL::\(s).intake_case,
                        '{"external_id": "d-1", "category": "020103", "area": "420102001", "title": "积水", "description": "路面积水"}')]))::text
                    """, dispatched),
                (water, "office_submit", """
                    SELECT array(SELECT created FROM \(s).office_submit('desk', ARRAY[jsonb_populate_record(NULL::\(s).intake_case,
                        '{"external_id": "d-2", "category": "020103", "area": "420102001", "title": "积水", "description": "路面积水"}')]))::text
                    """, dispatched),
                (water, "case_accept", "SELECT \(s).case_accept(\(dispatched))::text", dispatched),
                (power, "case_accept", "SELECT \(s).case_accept(\(dispatched))::text", dispatched),
                (water, "case_note", "SELECT \(s).case_note(\(dispatched), '已联系', true) > 0", dispatched),
                (water, "case_resolve", "SELECT \(s).case_resolve(\(accepted), '已处理')::text", accepted),
                (water, "case_return", "SELECT \(s).case_return(\(dispatched), 'not_ours', '不属于本单位')::text", dispatched),
                (water, "case_request_extension",
                 "SELECT \(s).case_request_extension(\(accepted), now() + interval '20 days', '需要时间') > 0", accepted),
                (water, "case_contact_masked", "SELECT \(s).case_contact_masked(\(dispatched))::text", dispatched),
                (power, "case_contact_masked", "SELECT \(s).case_contact_masked(\(dispatched))::text", dispatched),
                (water, "case_contact", "SELECT \(s).case_contact(\(dispatched))::text", dispatched),
                (desk, "case_contact", "SELECT \(s).case_contact(\(dispatched))::text", dispatched),
                (desk, "extension_decide", "SELECT \(s).extension_decide(\(extensionID), true, '同意')", extended),
                (desk, "case_assign", "SELECT \(s).case_assign(\(dispatched), 'power', ARRAY['urban'], '改派')::text", dispatched),
                (desk, "case_merge", "SELECT \(s).case_merge(\(second), \(dispatched))::text", second),
                (water, "case_merge", "SELECT \(s).case_merge(\(second), \(dispatched))::text", second),
                (power, "case_merge", "SELECT \(s).case_merge(\(second), \(dispatched))::text", second),
                (water, "case_duplicates", "SELECT array(SELECT id FROM \(s).case_duplicates(\(dispatched)) ORDER BY 1)::text", dispatched),
                (desk, "case_duplicates", "SELECT array(SELECT id FROM \(s).case_duplicates(\(dispatched)) ORDER BY 1)::text", dispatched),
                (power, "case_duplicates", "SELECT array(SELECT id FROM \(s).case_duplicates(\(dispatched)) ORDER BY 1)::text", dispatched),
                (desk, "hotspot_dismiss", "SELECT \(s).hotspot_dismiss(\(hotspot), '施工已结束')", dispatched),
                (water, "hotspot_dismiss", "SELECT \(s).hotspot_dismiss(\(hotspot), '施工已结束')", dispatched),
                (desk, "case_end", "SELECT \(s).case_end(\(dispatched), 'withdraw', '市民撤回')::text", dispatched),
                (water, "case_end", "SELECT \(s).case_end(\(dispatched), 'withdraw', '市民撤回')::text", dispatched),
                (desk, "ledger_new", "SELECT \(s).ledger_new('积水', NULL, NULL, 'water', ARRAY['power'], '\(due)', '督察', ARRAY[\(dispatched)::bigint], \(hotspot)) > 0", dispatched),
                (water, "ledger_new", "SELECT \(s).ledger_new('积水', NULL, NULL, 'water', '{}', '\(due)', NULL, NULL, NULL) > 0", dispatched),
                (desk, "ledger_import", "SELECT array(SELECT line || ':' || coalesce(problem, 'ok') FROM \(s).ledger_import('[\(goodRow), \(badRow)]', '督察', true))::text", dispatched),
                (desk, "ledger_import", "SELECT array(SELECT line || ':' || coalesce(problem, 'ok') FROM \(s).ledger_import('[\(goodRow)]', '督察', true))::text", dispatched),
                (water, "ledger_import", "SELECT array(SELECT line FROM \(s).ledger_import('[\(goodRow)]', '督察', false))::text", dispatched),
                (desk, "ledger_link", "SELECT \(s).ledger_link(\(item), ARRAY[\(second)::bigint])", second),
                (power, "ledger_link", "SELECT \(s).ledger_link(\(item), ARRAY[\(second)::bigint])", second),
                (water, "ledger_progress", "SELECT \(s).ledger_progress(\(item), '已开挖') > 0", dispatched),
                (power, "ledger_progress", "SELECT \(s).ledger_progress(\(item), '已配合') > 0", dispatched),
                (water, "ledger_request_close_out",
                 "SELECT \(s).ledger_request_close_out(\(item), '完成', ARRAY['b.pdf'], ARRAY['%PDF-1.4'::bytea]) > 0", dispatched),
                (power, "ledger_request_close_out",
                 "SELECT \(s).ledger_request_close_out(\(item), '完成', ARRAY['b.pdf'], ARRAY['%PDF-1.4'::bytea]) > 0", dispatched),
                (water, "ledger_request_close_out",
                 "SELECT \(s).ledger_request_close_out(\(item), '完成', ARRAY['b.png'], ARRAY['%PDF-1.4'::bytea]) > 0", dispatched),
                (desk, "ledger_decide", "SELECT \(s).ledger_decide(\(requested), true, '同意')", dispatched),
                (desk, "ledger_decide", "SELECT \(s).ledger_decide(\(requested), false, '缺照片')", dispatched),
                (water, "ledger_decide", "SELECT \(s).ledger_decide(\(requested), true, NULL)", dispatched),
                (desk, "dispatch_sources", "SELECT array(SELECT source || dispatches || returned FROM \(s).dispatch_sources(current_date - 1, current_date + 1))::text", dispatched),
                (water, "dispatch_sources", "SELECT array(SELECT source || dispatches FROM \(s).dispatch_sources(current_date, current_date))::text", dispatched),
                (agent, "callback_next", "SELECT (\(s).callback_next() - 'window_ends')::text", resolved),
                (agent, "callback_record", "SELECT \(s).callback_record(\(resolved), false, true, 'satisfied', false)", resolved),
                (agent, "callback_record", "SELECT \(s).callback_record(\(resolved), false, false, 'dissatisfied', false)", resolved),
            ]

            // Every definer function people may call is called above.
            let callable = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    SELECT DISTINCT p.proname::text FROM pg_proc p
                    WHERE p.pronamespace = \(schema)::regnamespace AND p.prosecdef
                      AND has_function_privilege(\(CivicSchema.staffRole(schema: schema)), p.oid, 'EXECUTE')
                    """).map { try $0.decode(String.self, at: 0) }
            }
            #expect(Set(callable).subtracting(calls.map(\.function)).isEmpty,
                    "definer functions not exercised: \(Set(callable).subtracting(calls.map(\.function)).sorted())")
            #expect(callable.count >= 15)

            // Each name with its columns, of the real types (civicq's own types qualified), so
            // that a function misled into a plant would work on it and show a difference.
            let plants = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    SELECT c.relname::text, string_agg(quote_ident(a.attname) || ' ' ||
                        CASE WHEN t.typnamespace = c.relnamespace THEN quote_ident(\(schema)) || '.' || quote_ident(t.typname)
                             ELSE format_type(a.atttypid, a.atttypmod) END, ', ' ORDER BY a.attnum)
                    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    JOIN pg_type t ON t.oid = a.atttypid
                    WHERE c.relnamespace = \(schema)::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'c')
                    GROUP BY c.relname
                    UNION
                    SELECT t.typname::text, 'login text, department_code text, role text' FROM pg_type t
                    WHERE t.typnamespace = \(schema)::regnamespace AND t.typtype IN ('e', 'd')
                    ORDER BY 1
                    """).map { Plant(name: try $0.decode(String.self, at: 0), columns: try $0.decode(String.self, at: 1)) }
            }
            let names = Set(plants.map(\.name))
            #expect(names.isSuperset(of: ["handlers", "case_events", "cases", "civic_actor", "case_state", "intake_case"]))

            // One connection per login, each call twice in transactions rolled back.
            for login in Set(calls.map(\.login)) {
                let mine = calls.filter { $0.login == login }
                let outcomes = try await fixture.as(login) { connection, _ in
                    try mine.map { call in
                        (try Self.outcome(of: call.sql, caseID: call.caseID, schema: schema, plants: [], login: login, on: connection),
                         try Self.outcome(of: call.sql, caseID: call.caseID, schema: schema, plants: plants, login: login, on: connection))
                    }
                }
                for (call, (plain, planted)) in zip(mine, outcomes) {
                    #expect(planted.result == plain.result, "\(call.function) as \(call.login): \(planted.result) vs \(plain.result)")
                    #expect(planted.effect == plain.effect, "\(call.function) as \(call.login) left other rows")
                    #expect(planted.triggersRan == 0, "\(call.function) ran a planted trigger")
                    #expect(planted.plantedRows == (names.contains("handlers") ? 1 : 0), "\(call.function) wrote into a planted table")
                }
            }
        }
    }

    struct Plant: Sendable {
        var name: String
        var columns: String
    }

    struct Outcome: Sendable {
        var result: String
        var effect: String
        var triggersRan: Int
        var plantedRows: Int
    }

    /// Runs one call in a transaction that is rolled back: with `plants`, a temporary table of
    /// each name first, a trigger on each, and a row in `handlers` that would make the caller
    /// an admin of the office. The result (or the error's SQLSTATE and message) and the case's
    /// state, tasks and events afterwards, read with qualified names.
    static func outcome(
        of sql: String, caseID: Int64, schema: String, plants: [Plant], login: String, on connection: PostgresConnection
    ) throws -> Outcome {
        try connection.executeScript("BEGIN")
        defer { _ = try? connection.executeScript("ROLLBACK") }
        try connection.executeScript(
            """
            CREATE TEMP TABLE plant_ran (name text);
            CREATE FUNCTION pg_temp.plant_spy() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO pg_temp.plant_ran VALUES (TG_TABLE_NAME); RETURN NULL; END $$;
            GRANT ALL ON pg_temp.plant_ran TO PUBLIC;
            """)
        for plant in plants {
            let quoted = PostgresQuery.quoteIdentifier(plant.name)
            try connection.executeScript("CREATE TEMP TABLE \(quoted) (\(plant.columns)); GRANT ALL ON pg_temp.\(quoted) TO PUBLIC")
            try connection.executeScript(
                """
                CREATE TRIGGER plant_spy BEFORE INSERT OR UPDATE OR DELETE ON pg_temp.\(quoted)
                    FOR EACH ROW EXECUTE FUNCTION pg_temp.plant_spy()
                """)
            if plant.name == "handlers" {
                try connection.executeScript("ALTER TABLE pg_temp.handlers DISABLE TRIGGER plant_spy")
                try connection.execute(
                    "INSERT INTO pg_temp.handlers (login, department_code, role, active) VALUES (\(login), 'desk', 'admin', true)")
                try connection.executeScript("ALTER TABLE pg_temp.handlers ENABLE TRIGGER plant_spy")
            }
        }
        var result: String
        try connection.executeScript("SAVEPOINT call")
        do {
            result = try connection.query(PostgresQuery(unsafeSQL: sql)).scalar(String?.self).map { $0 ?? "null" } ?? "no row"
            try connection.executeScript("RELEASE SAVEPOINT call")
        } catch let error as PostgresError {
            result = "error \(error.sqlState?.rawValue ?? "?"): \(error.message ?? error.reason)"
            try connection.executeScript("ROLLBACK TO SAVEPOINT call")
        }
        let q = PostgresQuery.quoteIdentifier(schema)
        let effect = try connection.query(PostgresQuery(unsafeSQL: """
            SELECT concat_ws(' | ',
                (SELECT state::text || '/' || coalesce(lead_department, '-') FROM \(q).cases WHERE id = \(caseID)),
                (SELECT string_agg(department_code || ':' || role || ':' || state, ',' ORDER BY id) FROM \(q).case_tasks WHERE case_id = \(caseID)),
                (SELECT string_agg(kind || ':' || actor || ':' || coalesce(reason, ''), ',' ORDER BY id) FROM \(q).case_events WHERE case_id = \(caseID)),
                (SELECT string_agg(state, ',' ORDER BY id) FROM \(q).extensions WHERE case_id = \(caseID)),
                (SELECT string_agg(state || ':' || coalesce(claimed_by, '-'), ',' ORDER BY id) FROM \(q).callbacks WHERE case_id = \(caseID)),
                (SELECT string_agg(state || ':' || lead_department || ':' || array_to_string(assisting, '+'), ',' ORDER BY id) FROM \(q).ledger_items),
                (SELECT count(*) FROM \(q).ledger_item_cases),
                (SELECT string_agg(kind || ':' || actor || ':' || coalesce(note, ''), ',' ORDER BY id) FROM \(q).ledger_events),
                (SELECT string_agg(name || ':' || media_type || ':' || encode(sha256, 'hex'), ',' ORDER BY id) FROM \(q).ledger_evidence),
                (SELECT string_agg(state, ',' ORDER BY id) FROM \(q).hotspots))
            """)).scalar(String.self) ?? ""
        let ran = try connection.query("SELECT count(*)::int FROM pg_temp.plant_ran").scalar(Int.self) ?? 0
        var rows = 0
        for plant in plants {
            rows += try connection.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM pg_temp.\(PostgresQuery.quoteIdentifier(plant.name))")).scalar(Int.self) ?? 0
        }
        return Outcome(result: result, effect: effect, triggersRan: ran, plantedRows: rows)
    }
}
