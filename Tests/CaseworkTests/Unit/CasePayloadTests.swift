import Casework
import Foundation
import JobQueue
import Postgres
import Testing

/// A claimed job's `{"case": id}` payload: the server's own printing of it is read directly,
/// any other JSON of the same meaning through the decoder, anything else refused.
@Suite("The case payload of a claimed job")
struct CasePayloadTests {
    private func job(_ payload: String) -> Job {
        Job(id: 1, kind: "case.route", queue: "routing", attempt: 1, maxAttempts: 20, priority: 0,
            payload: PostgresJSONB(text: payload), createdAt: Date())
    }

    @Test("the server's form and other spellings of the same object", arguments: [
        (#"{"case": 1}"#, Int64(1)), (#"{"case": 9223372036854775807}"#, Int64.max), (#"{"case": 123456789012345678}"#, 123_456_789_012_345_678),
        (#"{"case":42}"#, 42), (#"{ "case" : 42 }"#, 42), (#"{"case": -7}"#, -7), (#"{"case": 42, "extra": 1}"#, 42), (#"{"case": 1e2}"#, 100),
    ])
    func read(payload: String, id: Int64) throws {
        #expect(try CasePayload(job(payload)).case == id)
    }

    @Test("a payload without a whole case id is refused", arguments: [
        #"{"case": }"#, #"{"case": "42"}"#, #"{"case": 4.5}"#, #"{"case": 99999999999999999999}"#, #"{"cases": 42}"#, "[]", "",
    ])
    func refused(payload: String) {
        #expect(throws: (any Error).self) { try CasePayload(job(payload)) }
    }
}
