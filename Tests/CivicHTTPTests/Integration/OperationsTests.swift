import Casework
import CivicHTTP
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import Testing

@Suite("/metrics and /dashboard (PostgreSQL)")
struct OperationsTests {
    @Test("/metrics counts requests by route and status, reads the database's gauges, parses as Prometheus text and carries no personal data")
    func metrics() async throws {
        try await IntakeFixture.run(configure: { $0.metricsRefresh = .zero }) { fixture in
            for id in ["M-1", "M-2"] {
                #expect(try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint(id)).status == .created)
            }
            #expect(try await fixture.send(.post, "/v1/cases", key: fixture.key, json: "{").status == .badRequest)
            _ = try await fixture.send(.get, "/v1/cases/1")

            // A dispatch by the model, returned, and the weekly check of the model in use.
            try await fixture.client.withConnection { connection in
                try connection.executeScript(
                    """
                    INSERT INTO case_events (case_id, actor, kind, department_code, details)
                    SELECT id, 'router', 'dispatched', 'ja', '{"source": "model", "model": 1, "probability": 0.97}' FROM cases WHERE external_id = 'M-1';
                    INSERT INTO case_events (case_id, actor, kind, department_code) SELECT id, 'x', 'returned', 'ja' FROM cases WHERE external_id = 'M-1';
                    INSERT INTO dispatch_models (window_from, window_until, trained_until, evaluation, adopted, units, bits, weights)
                    VALUES (now() - interval '30 days', now(), now() - interval '7 days', '{"top1": 0.9}', true, '{a,b}', 10, decode(repeat('00', 8200), 'hex'));
                    INSERT INTO dispatch_model_checks (model_version, since, cases, agreed) VALUES (1, now() - interval '7 days', 200, 150);
                    """)
            }

            let first = try await fixture.send(.get, "/metrics")
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = first.text
            #expect(Self.value(text, #"civicq_http_requests_total{method="POST",route="/v1/cases",status="201"}"#) == 2)
            #expect(Self.value(text, #"civicq_http_requests_total{method="POST",route="/v1/cases",status="400"}"#) == 1)
            #expect(Self.value(text, #"civicq_http_requests_total{method="GET",route="/v1/cases/{id}",status="401"}"#) == 1)
            #expect(Self.value(text, #"civicq_http_request_duration_seconds_count{method="POST",route="/v1/cases"}"#) == 3)
            #expect(Self.value(text, "civicq_database_up") == 1)
            #expect(Self.value(text, #"civicq_cases{state="received"}"#) == 2)
            #expect(Self.value(text, #"civicq_jobs_queue_depth{queue="routing",state="available"}"#) == 2)
            #expect(Self.value(text, "civicq_intake_today") == 2)
            #expect(Self.value(text, "civicq_workers_alive") == 0)
            #expect(Self.value(text, #"civicq_db_pool_connections{pool="postgres",state="idle"}"#) == 3, "the fixture's pool of 3, all returned")
            #expect(!text.contains("civicq_cases_overdue{"), "no department has an overdue case yet")
            #expect(Self.value(text, #"civicq_ledger_items{state="overdue"}"#) == 0)
            #expect(Self.value(text, #"civicq_dispatches_last_week{source="model"}"#) == 1)
            #expect(Self.value(text, #"civicq_dispatches_returned_last_week{source="model"}"#) == 1)
            #expect(Self.value(text, #"civicq_dispatches_last_week{source="rule"}"#) == 0)
            #expect(Self.value(text, "civicq_dispatch_model_version") == 1)
            #expect(Self.value(text, "civicq_dispatch_model_agreement") == 0.75)
            #expect(Self.value(text, "civicq_dispatch_model_checked_cases") == 200)
            #expect(Self.value(text, "civicq_dispatch_model_tested_top1") == 0.9)
            for personal in ["张三", "13812345678", "路灯不亮", fixture.key] { #expect(!text.contains(personal)) }
            try PrometheusText.check(text)

            // A case past its deadline shows under its department; when it is no longer
            // overdue its series goes away rather than staying at its last value.
            try await fixture.client.withConnection { connection in
                try connection.executeScript(
                    """
                    UPDATE cases SET state = 'dispatched', lead_department = 'ja', response_overdue = true WHERE external_id = 'M-1';
                    INSERT INTO workers (id, host, pid, queues, concurrency) VALUES ('w1', 'h', 1, '{routing}', 4);
                    INSERT INTO ledger_items (title, lead_department, due_day, deadline, state, created_by, requested_at)
                    VALUES ('积水', 'ja', current_date - 2, now() - interval '1 day', 'open', 'x', NULL),
                           ('路灯', 'ja', current_date + 5, now() + interval '5 days', 'requested', 'x', now());
                    """)
            }
            let second = try await fixture.send(.get, "/metrics").text
            #expect(Self.value(second, #"civicq_cases_overdue{department="ja"}"#) == 1)
            #expect(Self.value(second, #"civicq_department_backlog{department="ja"}"#) == 1)
            #expect(Self.value(second, #"civicq_department_backlog{department="none"}"#) == 1, "M-2 is not routed yet")
            #expect(Self.value(second, #"civicq_escalations_open{clock="response"}"#) == 1)
            #expect(Self.value(second, #"civicq_cases{state="dispatched"}"#) == 1)
            #expect(Self.value(second, "civicq_workers_alive") == 1)
            #expect(Self.value(second, #"civicq_ledger_items{state="open"}"#) == 1)
            #expect(Self.value(second, #"civicq_ledger_items{state="requested"}"#) == 1)
            #expect(Self.value(second, #"civicq_ledger_items{state="overdue"}"#) == 1)
            try await fixture.client.withConnection { try $0.executeScript("UPDATE cases SET state = 'accepted', response_overdue = false") }
            let third = try await fixture.send(.get, "/metrics").text
            #expect(!third.contains("civicq_cases_overdue{"))
            #expect(Self.value(third, #"civicq_escalations_open{clock="response"}"#) == 0)
            try PrometheusText.check(third)
        }
    }

    @Test("/dashboard needs a key with the dashboard:read scope; with one it is HTML with inline SVG charts and no external asset")
    func dashboard() async throws {
        try await IntakeFixture.run { fixture in
            let office = try await fixture.client.withConnection { connection in
                try fixture.keys.create(source: "office", label: nil, scopes: [.dashboardRead], ratePerSecond: 100, burst: 100, on: connection).key.text
            }
            let none = try await fixture.send(.get, "/dashboard")
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true, "a browser shows its login prompt")
            #expect(try await fixture.send(.get, "/dashboard", key: fixture.key).status == .forbidden, "an intake key with every scope is not an office key")
            #expect(try await fixture.send(.get, "/dashboard?key=cq_nothing_valid").status == .unauthorized)

            #expect(try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("D-1")).status == .created)
            try await fixture.client.withConnection { connection in
                try connection.executeScript("UPDATE cases SET state = 'dispatched', lead_department = 'ja', resolution_overdue = true")
                _ = try fixture.store.rollUpFigures(on: connection)
            }
            let basic = "Basic " + Data("office:\(office)".utf8).base64EncodedString()
            let page = try await fixture.send(.get, "/dashboard", headers: [.authorization: basic])
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = page.text
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(html.components(separatedBy: "<svg").count - 1 >= 1, "the 30-day trend is drawn")
            #expect(html.contains("Intake today") && html.contains("Open cases") && html.contains("Needs attention"))
            #expect(html.contains("江岸区人民政府"), "the overdue department is named")
            #expect(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"))
            for personal in ["张三", "13812345678", "小区门口"] { #expect(!html.contains(personal)) }
            #expect(try await fixture.send(.get, "/dashboard?key=\(office)").status == .ok)
        }
    }

    /// The number on the line that starts with `series` and a space.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1).split(separator: " ")[0])
        }
        return nil
    }
}
