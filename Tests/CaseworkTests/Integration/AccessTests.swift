import Casework
import Foundation
import Postgres
import TestSupport
import Testing

/// What the database itself enforces: departments see only their cases even through raw SQL,
/// and events are append-only (ContractTests: the names Swift and SQL share).
@Suite("Access and agreement")
struct AccessTests {
    @Test func aHandlerCannotReadOrChangeAnotherDepartmentsCase() async throws {
        try await CaseworkFixture.run { fixture in
            let power = try await fixture.person(.handler, of: "power")
            let water = try await fixture.person(.handler, of: "water")
            let id = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(id, .dispatched)
            // Raw SQL, as through psql on the handler's own login.
            let seen = try await fixture.as(power) { connection, _ in
                try connection.query("SELECT count(*) FROM cases").scalar(Int.self)
            }
            #expect(seen == 0)
            let events = try await fixture.as(power) { connection, _ in
                try connection.query("SELECT count(*) FROM case_events").scalar(Int.self)
            }
            #expect(events == 0)
            await #expect(throws: PostgresError.self) {
                _ = try await fixture.as(power) { connection, _ in try connection.execute("UPDATE cases SET state = 'closed' WHERE id = \(id)") }
            }
            await #expect(throws: PostgresError.self) {
                _ = try await fixture.as(water) { connection, _ in try connection.execute("UPDATE cases SET state = 'closed' WHERE id = \(id)") }
            }
            await #expect(throws: PostgresError.self) {
                _ = try await fixture.as(water) { connection, _ in try connection.query("SELECT citizen_phone FROM cases") }
            }
            await #expect(throws: PostgresError.self) {
                _ = try await fixture.as(power) { connection, _ in try connection.execute("SET ROLE postgres") }
            }
            // The functions check the department too.
            do {
                _ = try await fixture.as(power) { try $1.accept(id, on: $0) }
                Issue.record("another department accepted the case")
            } catch let error as CaseworkError {
                #expect(error.code == .notPermitted)
                #expect(error.message == "case \(id) is not with your department")
            }
            await #expect(throws: CaseworkError.self) { _ = try await fixture.as(power) { try $1.contact(id, on: $0) } }
            await #expect(throws: CaseworkError.self) { _ = try await fixture.as(power) { try $1.detail(id, reveal: false, on: $0) } }
            // Nothing changed; the owning department sees its case.
            #expect(try await fixture.state(of: id) == .dispatched)
            let own = try await fixture.as(water) { connection, _ in try connection.query("SELECT count(*) FROM cases").scalar(Int.self) }
            #expect(own == 1)
        }
    }

    @Test func refusalsAreSentencesWithCodes() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let id = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(id, .dispatched)
            do {
                _ = try await fixture.as(handler) { try $1.resolve(id, reply: "好了", on: $0) }
                Issue.record("resolved without accepting")
            } catch let error as CaseworkError {
                #expect(error.code == .wrongState)
            }
            do {
                _ = try await fixture.as(handler) { try $1.accept(999_999, on: $0) }
                Issue.record("accepted a case that does not exist")
            } catch let error as CaseworkError {
                #expect(error == CaseworkError(.notFound, "there is no case 999999"))
            }
            do {
                _ = try await fixture.as(handler) { try $1.assign(id, lead: "power", assists: [], reason: nil, on: $0) }
                Issue.record("a handler assigned a case")
            } catch let error as CaseworkError {
                #expect(error == CaseworkError(.notPermitted, "a handler may not assign cases"))
            }
            let stranger = try await fixture.person(.handler, of: "water")
            try await fixture.client.withConnection { try fixture.store.removeUser(login: stranger, on: $0) }
            // Out of the staff group, the login no longer sees civicq's schema at all.
            await #expect(throws: PostgresError.self) { _ = try await fixture.as(stranger) { try $1.accept(id, on: $0) } }
            #expect(try await fixture.eventKinds(of: id) == ["received", "dispatched"])
        }
    }

    @Test func contactDetailsAreMaskedUnlessRevealedByARoleThatMay() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let dispatcher = try await fixture.person(.dispatcher, of: "desk")
            let id = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(id, .dispatched)
            let masked = try await fixture.as(dispatcher) { try $1.detail(id, reveal: false, on: $0) }
            #expect((masked.citizen_name, masked.citizen_phone) == ("张*", "138****5678"))
            await #expect(throws: CaseworkError.self) { _ = try await fixture.as(dispatcher) { try $1.detail(id, reveal: true, on: $0) } }
            let revealed = try await fixture.as(handler) { try $1.detail(id, reveal: true, on: $0) }
            #expect((revealed.citizen_name, revealed.citizen_phone) == ("张三", "13812345678"))
            #expect(try await fixture.eventKinds(of: id).last == "contact_revealed")
        }
    }

    @Test func eventsAreAppendOnlyEvenForTheOwner() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let id = try await fixture.submit(CaseworkFixture.complaint())
            for statement: PostgresQuery in [
                "UPDATE case_events SET reason = 'x' WHERE case_id = \(id)", "DELETE FROM case_events WHERE case_id = \(id)",
                "TRUNCATE case_events CASCADE",
            ] {
                await #expect(throws: CaseworkError.self) {
                    try await fixture.client.withConnection { connection in
                        _ = try CaseworkError.translating { try connection.execute(statement) }
                    }
                }
            }
            #expect(try await fixture.eventKinds(of: id) == ["received"])
        }
    }

    @Test func resubmissionsReturnTheExistingCase() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let complaint = CaseworkFixture.complaint("same-id")
            let results = try await withThrowingTaskGroup(of: (Int64, Bool).self) { group in
                for _ in 0..<4 {
                    group.addTask { try await fixture.client.withConnection { try fixture.store.submit(complaint, on: $0) } }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.0)).count == 1)
            #expect(results.filter(\.1).count == 1)
            let jobs = try await fixture.client.withConnection { try $0.query("SELECT count(*) FROM jobs WHERE kind = 'case.route'").scalar(Int.self) }
            #expect(jobs == 1)
            await #expect(throws: CaseworkError.self) {
                _ = try await fixture.submit(CaseworkFixture.complaint(category: "777777"))
            }
            await #expect(throws: CaseworkError.self) {
                _ = try await fixture.submit(CaseworkFixture.complaint(area: "not-an-area"))
            }
        }
    }
}
