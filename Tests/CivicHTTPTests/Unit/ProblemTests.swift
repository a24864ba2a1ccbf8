@testable import CivicHTTP
import Casework
import Foundation
import HTTPTypes
import Logging
import Postgres
import Testing

@Suite("Problem documents")
struct ProblemTests {
    struct Secret: Error, CustomStringConvertible {
        var description: String { "张三 13812345678 SELECT * FROM cases" }
    }

    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test("an unexpected error is a 500 that says nothing of it")
    func internals() {
        let problem = ProblemMiddleware<IntakeContext>.problem(for: Secret(), logger: Self.logger)
        #expect(problem.status == .internalServerError)
        #expect(!problem.detail.contains("13812345678") && !problem.detail.contains("SELECT") && problem.errors.isEmpty)
        let database = PostgresError(code: .server, reason: "duplicate key value (external_id)=(secret-42)")
        let fromDatabase = ProblemMiddleware<IntakeContext>.problem(for: database, logger: Self.logger)
        #expect(fromDatabase.status == .internalServerError && !fromDatabase.detail.contains("secret-42"))
    }

    @Test("domain errors keep their meaning: unknown 404, wrong state 409, not permitted 403, bad input 422")
    func domain() {
        let cases: [(CaseworkError.Code, Int)] = [(.notFound, 404), (.wrongState, 409), (.notPermitted, 403), (.badInput, 422)]
        for (code, status) in cases {
            #expect(ProblemMiddleware<IntakeContext>.problem(for: CaseworkError(code, "x"), logger: Self.logger).status.code == status)
        }
        let lost = PostgresError(code: .connectionLost, reason: "server closed the connection")
        let unavailable = ProblemMiddleware<IntakeContext>.problem(for: lost, logger: Self.logger)
        #expect(unavailable.status == .serviceUnavailable && unavailable.headers[.retryAfter] == "5")
    }
}
