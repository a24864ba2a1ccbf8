import Testing
@testable import Postgres

/// The cache's bookkeeping, without a server.
@Suite("Prepared statement cache")
struct PreparedStatementCacheTests {
    typealias Key = PreparedStatementCache.Key

    @Test func onlyStatementsThatPlanArePrepared() {
        let cache = PreparedStatementCache(capacity: 4)
        for sql in ["SELECT 1", "  with x AS (SELECT 1) SELECT * FROM x", "INSERT INTO t VALUES ($1)", "(SELECT 1)", "update t set a = 1",
                    "\n\tSELECT\n1", "SELECT*FROM t", "TABLE t", "values (1)"] {
            #expect(cache.key(sql, PostgresBindings()) == Key(sql: sql, types: []), "\(sql)")
        }
        for sql in ["SET ROLE \"x\"", "LISTEN jobs", "CREATE TABLE t (a int)", "DEALLOCATE ALL", "BEGIN", "SELECTED", "WITHIN t",
                    "-- a note\nSELECT 1", "", "   ", "séLECT 1"] {
            #expect(cache.key(sql, PostgresBindings()) == nil, "\(sql)")
        }
        #expect(PreparedStatementCache(capacity: 0).key("SELECT 1", PostgresBindings()) == nil)
        var arrays = PostgresBindings()
        arrays.append([1, 2])
        #expect(cache.key("SELECT * FROM t WHERE id = ANY($1)", arrays) == nil)
    }

    @Test func theLeastRecentlyUsedMakesRoomAndStaleNamesAreHandedOver() {
        var cache = PreparedStatementCache(capacity: 2)
        let (a, b, c) = (Key(sql: "SELECT 1", types: []), Key(sql: "SELECT $1", types: [23]), Key(sql: "SELECT $1", types: [25]))
        #expect(cache.insert(a, name: cache.newName()) == nil)
        #expect(cache.insert(b, name: cache.newName()) == nil)
        #expect(cache.name(for: a)?.text == "civicq_1")  // a is now the most recent
        #expect(cache.insert(c, name: cache.newName()) == "civicq_2")  // b made room
        #expect(cache.name(for: b) == nil && cache.count == 2)
        cache.invalidate(a)
        #expect(cache.name(for: a) == nil && cache.takeStale() == ["civicq_1"] && cache.stale.isEmpty)
        // A name is never reused on the connection.
        #expect(cache.newName().text == "civicq_4")
    }

    @Test func theLastStatementIsFoundByItsTextAndTypes() {
        var cache = PreparedStatementCache(capacity: 2)
        var number = PostgresBindings()
        number.append(Int64(1))
        var text = PostgresBindings()
        text.append("x")
        /// The name `statement` gives without a lookup: only the last statement's.
        func lastName(_ sql: String, _ binds: PostgresBindings) -> PreparedStatementCache.Name? { cache.statement(sql, binds)?.name }
        #expect(cache.statement("SELECT $1", number)! == (Key(sql: "SELECT $1", types: [20]), nil))
        #expect(cache.statement("SET ROLE x", number) == nil)
        let a = cache.key("SELECT $1", number)!
        #expect(cache.insert(a, name: cache.newName()) == nil)
        #expect(lastName("SELECT $1", number)?.text == "civicq_1")
        #expect(lastName("SELECT $1", number)?.cString == "civicq_1".utf8CString)
        // The same text with another type, or another text, is another statement.
        #expect(lastName("SELECT $1", text) == nil && lastName("SELECT $1 ", number) == nil && lastName("SELECT $1", PostgresBindings()) == nil)
        #expect(cache.statement("SELECT $1", text)?.key == Key(sql: "SELECT $1", types: [25]))
        let b = cache.key("SELECT $1", text)!
        #expect(cache.insert(b, name: cache.newName()) == nil)
        #expect(lastName("SELECT $1", number) == nil && lastName("SELECT $1", text)?.text == "civicq_2")
        // Found again by name: it is the last now, and the most recent, so the other makes room.
        #expect(cache.name(for: a)?.text == "civicq_1")
        for _ in 0..<3 { #expect(cache.statement("SELECT $1", number)?.key == a && lastName("SELECT $1", number) != nil) }
        #expect(cache.insert(Key(sql: "SELECT 2", types: []), name: cache.newName()) == "civicq_2")
        // Forgotten, it is not found as the last either.
        _ = cache.name(for: a)
        cache.invalidate(a)
        #expect(lastName("SELECT $1", number) == nil)
        _ = cache.insert(a, name: cache.newName())
        cache.removeAll()
        #expect(lastName("SELECT $1", number) == nil && cache.count == 0)
    }
}
