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

    @Test("a command's row count is read from libpq's digits, and nothing else is a count")
    func commandCounts() {
        #expect(PostgresConnection.count("0") == 0)
        #expect(PostgresConnection.count("12") == 12)
        #expect(PostgresConnection.count("9223372036854775807") == Int.max)
        #expect(PostgresConnection.count("") == nil)
        #expect(PostgresConnection.count("9223372036854775808") == nil)
        #expect(PostgresConnection.count("1x") == nil && PostgresConnection.count("-1") == nil)
        #expect(PostgresConnection.string("INSERT 0 1", reusing: "INSERT 0 1") == "INSERT 0 1")
        #expect(PostgresConnection.string("INSERT 0 2", reusing: "INSERT 0 1") == "INSERT 0 2")
        #expect(PostgresConnection.string("INSERT 0 1", reusing: "INSERT 0 12") == "INSERT 0 1")
        #expect(PostgresConnection.string("", reusing: "") == "")
    }
}
