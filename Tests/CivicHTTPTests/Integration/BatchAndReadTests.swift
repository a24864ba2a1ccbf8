import Casework
import CivicHTTP
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import Testing

@Suite("Batches, reads, withdrawals and callbacks over /v1 (PostgreSQL)")
struct BatchAndReadTests {
    static let batch = """
        {"cases": [\(IntakeFixture.complaint("B-1")), \(IntakeFixture.complaint("B-2", category: "9999")),
                   {"external_id": "B-3", "category": "0101"}, \(IntakeFixture.complaint("B-4")), \(IntakeFixture.complaint("B-1"))]}
        """

    @Test("a batch stores its valid items, refuses the others with reasons, and a retry creates nothing")
    func mixedBatch() async throws {
        try await IntakeFixture.run { fixture in
            let answer = try await fixture.send(.post, "/v1/cases:batch", key: fixture.key, json: Self.batch)
            #expect(answer.status == .ok)
            guard case .array(let items)? = answer.body?["items"] else { Issue.record("no items: \(answer.text)"); return }
            #expect(items.map { $0["status"]?.stringValue ?? "" } == ["created", "refused", "refused", "created", "refused"])
            #expect(items[1]["errors"].map { if case .array(let e) = $0 { e.compactMap { $0["field"]?.stringValue } } else { [] } } == ["/cases/1/category"])
            #expect(answer.body?["created"]?.numberValue == 2 && answer.body?["refused"]?.numberValue == 3)
            #expect(answer.text.contains("/cases/2/area") && answer.text.contains("repeats item 0"))

            let retry = try await fixture.send(.post, "/v1/cases:batch", key: fixture.key, json: Self.batch)
            #expect(retry.body?["created"]?.numberValue == 0 && retry.body?["existing"]?.numberValue == 2)
            #expect(try await fixture.count("SELECT count(*) FROM cases") == 2)
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE kind = 'case.route'") == 2)

            let empty = try await fixture.send(.post, "/v1/cases:batch", key: fixture.key, json: #"{"cases": []}"#)
            #expect(empty.status == .unprocessableContent)
            let many = "{\"cases\": [" + (0...1000).map { IntakeFixture.complaint("M-\($0)") }.joined(separator: ",") + "]}"
            #expect(try await fixture.send(.post, "/v1/cases:batch", key: fixture.key, json: many).status == .unprocessableContent)
        }
    }

    @Test("an intake system reads its own cases, a page at a time, and never another system's")
    func reads() async throws {
        try await IntakeFixture.run { fixture in
            for index in 1...3 { _ = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("R-\(index)")) }
            let foreign = try await fixture.send(.post, "/v1/cases", key: fixture.otherKey, json: IntakeFixture.complaint("R-9"))
            let foreignID = Int(try #require(foreign.body?["id"]?.numberValue))

            let page = try await fixture.send(.get, "/v1/cases?limit=2&state=received", key: fixture.key)
            guard case .array(let cases)? = page.body?["cases"] else { Issue.record("no cases: \(page.text)"); return }
            #expect(cases.map { $0["external_id"]?.stringValue } == ["R-1", "R-2"])
            let next = try #require(page.body?["next"]?.stringValue)
            let second = try await fixture.send(.get, next, key: fixture.key)
            guard case .array(let rest)? = second.body?["cases"] else { Issue.record("no cases: \(second.text)"); return }
            #expect(rest.map { $0["external_id"]?.stringValue } == ["R-3"])
            #expect(second.body?["next"] == .null)

            #expect(try await fixture.send(.get, "/v1/cases/\(foreignID)", key: fixture.key).status == .notFound)
            #expect(try await fixture.send(.get, "/v1/cases/\(foreignID)", key: fixture.otherKey).status == .ok)
            #expect(try await fixture.send(.get, "/v1/cases/\(foreignID)/events", key: fixture.key).status == .notFound)
            let events = try await fixture.send(.get, "/v1/cases/\(foreignID)/events", key: fixture.otherKey)
            #expect(events.text.contains(#""kind":"received""#))
            #expect(try await fixture.send(.get, "/v1/cases/abc", key: fixture.key).status == .notFound)
            #expect(try await fixture.send(.get, "/v1/cases?limit=0", key: fixture.key).status == .badRequest)
            #expect(try await fixture.send(.get, "/v1/cases?state=lost", key: fixture.key).status == .badRequest)
        }
    }

    @Test("a withdrawal ends the case once; a second is a conflict")
    func withdraw() async throws {
        try await IntakeFixture.run { fixture in
            let made = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("W-1"))
            let id = Int(try #require(made.body?["id"]?.numberValue))
            #expect(try await fixture.send(.post, "/v1/cases/\(id)/withdraw", key: fixture.key, json: #"{}"#).status == .unprocessableContent)
            #expect(try await fixture.send(.post, "/v1/cases/\(id)/withdraw", key: fixture.otherKey, json: #"{"reason":"x"}"#).status == .notFound)
            let done = try await fixture.send(.post, "/v1/cases/\(id)/withdraw", key: fixture.key, json: #"{"reason":"市民已自行解决"}"#)
            #expect(done.status == .ok && done.body?["state"]?.stringValue == "withdrawn")
            let again = try await fixture.send(.post, "/v1/cases/\(id)/withdraw", key: fixture.key, json: #"{"reason":"again"}"#)
            #expect(again.status == .conflict)
            #expect(try await fixture.count("SELECT count(*) FROM case_events WHERE kind = 'withdrawn' AND actor = 'intake:hotline'") == 1)
        }
    }

    @Test("a callback the intake system ran closes a satisfied case and reopens a dissatisfied one")
    func callbacks() async throws {
        try await IntakeFixture.run { fixture in
            var ids: [Int] = []
            for name in ["CB-1", "CB-2"] {
                let made = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint(name))
                ids.append(Int(try #require(made.body?["id"]?.numberValue)))
            }
            let early = try await fixture.send(.post, "/v1/cases/\(ids[0])/callback", key: fixture.key, json: #"{"solved":true,"rating":"satisfied"}"#)
            #expect(early.status == .conflict, "no callback is open before resolution")
            for id in ids { try await fixture.resolve(Int64(id)) }
            let missing = try await fixture.send(.post, "/v1/cases/\(ids[0])/callback", key: fixture.key, json: #"{"solved":true}"#)
            #expect(missing.status == .unprocessableContent && missing.errorFields == ["/rating"])
            let closed = try await fixture.send(.post, "/v1/cases/\(ids[0])/callback", key: fixture.key, json: #"{"solved":true,"rating":"satisfied"}"#)
            #expect(closed.body?["outcome"]?.stringValue == "closed")
            let reopened = try await fixture.send(.post, "/v1/cases/\(ids[1])/callback", key: fixture.key, json: #"{"solved":false,"rating":"dissatisfied"}"#)
            #expect(reopened.body?["outcome"]?.stringValue == "reopened")
            let view = try await fixture.send(.get, "/v1/cases/\(ids[1])", key: fixture.key)
            #expect(view.body?["state"]?.stringValue == "reopened")
            #expect(try await fixture.send(.post, "/v1/cases/\(ids[1])/callback", key: fixture.otherKey, json: #"{"reached":false}"#).status == .notFound)
        }
    }

    @Test("/healthz answers; /readyz says the database is migrated")
    func health() async throws {
        try await IntakeFixture.run { fixture in
            #expect(try await fixture.send(.get, "/healthz").body?["status"]?.stringValue == "ok")
            #expect(try await fixture.send(.get, "/readyz").body?["status"]?.stringValue == "ready")
            let missing = try await fixture.send(.get, "/no/such/thing")
            #expect(missing.status == .notFound && missing.headers[.contentType] == "application/problem+json")
        }
    }
}
