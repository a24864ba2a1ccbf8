import Casework
import CivicHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Postgres
import TestSupport
import Testing

@Suite("The intake API /v1 (PostgreSQL)")
struct IntakeAPITests {
    @Test("a case is stored with its routing job; the same submission again returns it with 200, never a second case")
    func submitIsIdempotent() async throws {
        try await IntakeFixture.run { fixture in
            let first = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("A-1"))
            #expect(first.status == .created)
            let id = try #require(first.body?["id"]?.numberValue).rounded()
            #expect(first.headers[.location] == "/v1/cases/\(Int(id))")
            #expect(first.body?["state"]?.stringValue == "received")
            #expect(first.body?["created"]?.boolValue == true)
            #expect(first.body?["citizen"] == nil && !first.text.contains("13812345678"), "the answer never echoes personal data")

            let again = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("A-1"))
            #expect(again.status == .ok)
            #expect(again.body?["id"]?.numberValue == id)
            #expect(again.body?["created"]?.boolValue == false)
            #expect(try await fixture.count("SELECT count(*) FROM cases") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE kind = 'case.route' AND unique_key = 'route:\(Int(id)):0'") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM case_events WHERE kind = 'received' AND actor = 'hotline'") == 1)

            // The same external id from another intake system is another case.
            let other = try await fixture.send(.post, "/v1/cases", key: fixture.otherKey, json: IntakeFixture.complaint("A-1"))
            #expect(other.status == .created && other.body?["id"]?.numberValue != id)
        }
    }

    @Test("identical submissions at the same moment make one case; every answer names it")
    func concurrentDuplicates() async throws {
        try await IntakeFixture.run { fixture in
            let answers = try await withThrowingTaskGroup(of: IntakeFixture.Answer.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("RACE-1")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.status == .created }.count == 1)
            #expect(answers.filter { $0.status == .ok }.count == 11)
            #expect(Set(answers.compactMap { $0.body?["id"]?.numberValue }).count == 1)
            #expect(try await fixture.count("SELECT count(*) FROM cases") == 1)
        }
    }

    @Test("bad input gets a problem document naming every bad field, and nothing is stored")
    func badInput() async throws {
        try await IntakeFixture.run(configure: { $0.maxCaseBytes = 8 * 1024 }) { fixture in
            let invalid = try await fixture.send(
                .post, "/v1/cases", key: fixture.key,
                json: #"{"external_id":"has space","category":"1x","title":"   ","description":"ok","latitude":91,"color":"red","citizen":{"phone":"call me"}}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.headers[.contentType] == "application/problem+json")
            #expect(Set(invalid.errorFields) == ["/external_id", "/category", "/area", "/title", "/latitude", "/longitude", "/color", "/citizen/phone"])
            #expect(!invalid.text.contains("call me"), "messages never repeat the values")

            let malformed = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: #"{"external_id": "#)
            #expect(malformed.status == .badRequest && malformed.body?["type"]?.stringValue == "urn:civicq:problem:malformed-json")
            let notUTF8 = try await fixture.http.execute(
                uri: "/v1/cases", method: .post, headers: [.authorization: "Bearer \(fixture.key)", .contentType: "application/json"],
                body: .init(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])) { $0.status }
            #expect(notUTF8 == .badRequest)
            let form = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: "a=b", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType)
            let huge = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("BIG", extra: #","address":"\#(String(repeating: "长", count: 4000))""#))
            #expect(huge.status == .contentTooLarge)
            let unknown = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("U-1", category: "9999"))
            #expect(unknown.status == .unprocessableContent && unknown.errorFields == ["/category"])
            let future = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("F-1", extra: #","received_at":"2099-01-01T00:00:00Z""#))
            #expect(future.status == .unprocessableContent && future.errorFields == ["/received_at"])
            let control = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: #"{"external_id":"C","category":"0101","area":"42","title":"a\u0000b","description":"d"}"#)
            #expect(control.errorFields == ["/title"])
            #expect(try await fixture.count("SELECT count(*) FROM cases") == 0)
        }
    }

    @Test("a description of 4,000 Chinese characters is accepted; 4,001 are refused (code points, not bytes)")
    func lengthsCountCharacters() async throws {
        try await IntakeFixture.run { fixture in
            func body(_ id: String, _ count: Int) -> String {
                #"{"external_id":"\#(id)","category":"0101","area":"42","title":"t","description":"\#(String(repeating: "水", count: count))"}"#
            }
            #expect(try await fixture.send(.post, "/v1/cases", key: fixture.key, json: body("L-1", 4000)).status == .created)
            let over = try await fixture.send(.post, "/v1/cases", key: fixture.key, json: body("L-2", 4001))
            #expect(over.status == .unprocessableContent && over.errorFields == ["/description"])
        }
    }

    @Test("without a valid key: 401; a revoked key stops working; a key without the scope gets 403")
    func authentication() async throws {
        try await IntakeFixture.run { fixture in
            #expect(try await fixture.send(.post, "/v1/cases", json: IntakeFixture.complaint("X")).status == .unauthorized)
            #expect(try await fixture.send(.get, "/v1/cases", key: "cq_aaaaaaaa_" + String(repeating: "b", count: 32)).status == .unauthorized)
            #expect(try await fixture.send(.get, "/v1/cases", key: "not-a-key").status == .unauthorized)
            let guessed = "cq_" + String(fixture.key.dropFirst(3).prefix(9)) + String(repeating: "0", count: 32)
            #expect(try await fixture.send(.get, "/v1/cases", key: guessed).status == .unauthorized, "the right prefix with a wrong secret")

            let readOnly = try await fixture.client.withConnection { connection in
                try fixture.keys.create(source: "hotline", label: "reader", scopes: [.casesRead], ratePerSecond: 10, burst: 10, on: connection).key.text
            }
            #expect(try await fixture.send(.get, "/v1/cases", key: readOnly).status == .ok)
            let refused = try await fixture.send(.post, "/v1/cases", key: readOnly, json: IntakeFixture.complaint("X"))
            #expect(refused.status == .forbidden)

            let prefix = String(readOnly.split(separator: "_")[1])
            #expect(try await fixture.client.withConnection { try fixture.keys.revoke(prefix, on: $0) })
            #expect(try await fixture.send(.get, "/v1/cases", key: readOnly).status == .unauthorized)
            #expect(try await fixture.count("SELECT count(*) FROM cases") == 0)
        }
    }

    @Test("a key over its rate gets 429 with Retry-After")
    func rateLimit() async throws {
        try await IntakeFixture.run { fixture in
            let slow = try await fixture.client.withConnection { connection in
                try fixture.keys.create(source: "slow", label: nil, scopes: [], ratePerSecond: 1, burst: 2, on: connection).key.text
            }
            // Eight at once against a burst of 2 and 1 a second: however slow the machine, at
            // most 2 plus one per elapsed second get through.
            let start = ContinuousClock.now
            let answers = try await withThrowingTaskGroup(of: IntakeFixture.Answer.self) { group in
                for _ in 0..<8 { group.addTask { try await fixture.send(.get, "/v1/cases", key: slow) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = Int((ContinuousClock.now - start).components.seconds) + 1
            let passed = answers.filter { $0.status == .ok }.count
            let limited = answers.filter { $0.status == .tooManyRequests }
            #expect(passed >= 2 && passed <= 2 + elapsed)
            #expect(limited.count == 8 - passed)
            if elapsed <= 5 { #expect(!limited.isEmpty, "eight requests within a few seconds must meet the limit") }
            #expect(limited.allSatisfy { $0.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true })
            #expect(limited.first?.headers[.contentType] == "application/problem+json")
            #expect(try await fixture.send(.get, "/v1/cases", key: fixture.key).status == .ok, "other keys are not slowed")
        }
    }
}
