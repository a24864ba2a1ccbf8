import Casework
import Foundation
import Postgres
import Testing

/// Callbacks (回访) between agents: a callback one agent holds (callback next) is theirs to
/// record until the hold ends, and "unreachable" waits for the retry spacing (migration 028).
@Suite("callbacks: the hold and the retry spacing (PostgreSQL)")
struct CallbackHoldTests {
    static func refusal(_ error: any Error) -> CaseworkError? { error as? CaseworkError }

    @Test func aHeldCallbackIsRecordedByItsHolderOnly() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let zhao = try await fixture.person(.callback, of: "desk")
            let qian = try await fixture.person(.callback, of: "desk")
            let first = try await fixture.resolvedCase(by: handler)
            let second = try await fixture.resolvedCase(by: handler)
            // Zhao takes the first due; Qian may not record it while Zhao holds it.
            let held = try #require(try await fixture.as(zhao) { try $1.nextCallback(on: $0) })
            let other = held.case == first ? second : first
            await #expect { try await fixture.as(qian) { try $1.recordCallback(held.case, answer: .unreachable, on: $0) } } throws: {
                Self.refusal($0)?.code == .notPermitted && Self.refusal($0)?.message.contains("held by \(zhao)") == true
            }
            await #expect {
                try await fixture.as(qian) { try $1.recordCallback(held.case, answer: .answered(solved: true, rating: .satisfied), on: $0) }
            } throws: { Self.refusal($0)?.code == .notPermitted }
            // Qian's own next is the other case, not the held one.
            #expect(try await fixture.as(qian) { try $1.nextCallback(on: $0) }?.case == other)
            // Zhao records it.
            #expect(try await fixture.as(zhao) { try $1.recordCallback(held.case, answer: .answered(solved: true, rating: .satisfied), on: $0) } == "closed")
            // Once a hold has expired, anyone may record: Qian's hold on the other case ends.
            try await fixture.client.withConnection {
                try $0.execute("UPDATE callbacks SET claimed_until = now() - interval '1 second' WHERE case_id = \(other)")
            }
            #expect(try await fixture.as(zhao) { try $1.recordCallback(other, answer: .answered(solved: true, rating: .basic), on: $0) } == "closed")
        }
    }

    @Test func unreachableWaitsForTheRetrySpacing() async throws {
        try await CaseworkFixture.run { fixture in
            try await fixture.setting("callback.tries", "3")
            let handler = try await fixture.person(.handler, of: "water")
            let agent = try await fixture.person(.callback, of: "desk")
            let id = try await fixture.resolvedCase(by: handler)
            #expect(try await fixture.as(agent) { try $1.recordCallback(id, answer: .unreachable, on: $0) } == "retry")
            // Three records a second apart used to close the case as unanswered.
            for _ in 0..<2 {
                await #expect { try await fixture.as(agent) { try $1.recordCallback(id, answer: .unreachable, on: $0) } } throws: {
                    Self.refusal($0)?.code == .wrongState && Self.refusal($0)?.message.contains("the next try is due at") == true
                }
            }
            let tries = try await fixture.client.withConnection {
                try $0.query("SELECT tries FROM callbacks WHERE case_id = \(id)").scalar(Int.self)
            }
            #expect(tries == 1)
            #expect(try await fixture.state(of: id) == .resolved)
            // The citizen answering is recorded at any time.
            #expect(try await fixture.as(agent) { try $1.recordCallback(id, answer: .answered(solved: true, rating: .satisfied), on: $0) } == "closed")
        }
    }
}
