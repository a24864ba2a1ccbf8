import Foundation
import Testing

@testable import Postgres

@Suite("Query building")
struct QueryTests {
    @Test("interpolated values become numbered parameters, never SQL text")
    func interpolation() {
        let name = "Robert'); DROP TABLE cases;--"
        let ids = [1, 2, 3]
        let query: PostgresQuery = "SELECT * FROM t WHERE name = \(name) AND id = ANY(\(ids)) AND flag = \(true)"
        #expect(query.sql == "SELECT * FROM t WHERE name = $1 AND id = ANY($2) AND flag = $3")
        #expect(query.binds.count == 3)
        #expect(query.binds.binds[0] == PostgresBind(type: .text, value: .text(name)))
        #expect(query.binds.binds[1] == PostgresBind(type: .int8Array, value: .text("{\"1\",\"2\",\"3\"}")))
        #expect(query.binds.binds[2].type == .bool)
    }

    @Test("NULLs keep their type; identifiers are quoted")
    func nullsAndIdentifiers() {
        let missing: String? = nil
        let query: PostgresQuery = "INSERT INTO \(identifier: "we\"ird") VALUES (\(missing), \(7, as: "int4"))"
        #expect(query.sql == "INSERT INTO \"we\"\"ird\" VALUES ($1, $2::int4)")
        #expect(query.binds.binds[0] == PostgresBind(type: .text, value: nil))
    }
}
