import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Type round trips (PostgreSQL)")
struct TypeRoundTripTests {
    /// Binds `value` as a parameter, lets the server cast it to `sqlType`, and reads it back.
    private func roundTrip<T: PostgresEncodable & PostgresDecodable>(
        _ value: T, as sqlType: String, on client: PostgresClient
    ) async throws -> T {
        try await client.withConnection { connection in
            let rows = try connection.query(PostgresQuery(unsafeSQL: "SELECT $1::\(sqlType)", binds: { var b = PostgresBindings(); b.append(value); return b }()))
            return try rows[0].decode(T.self, at: 0)
        }
    }

    @Test("text, integers, bool and double, at their edges")
    func scalars() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            for text in ["", "plain", "井盖缺失，东城区和平里街道", "emoji 🚧 and\ttab\nnewline", String(repeating: "長", count: 100_000)] {
                #expect(try await roundTrip(text, as: "text", on: client) == text)
            }
            for number in [Int.min, -1, 0, 1, Int.max] { #expect(try await roundTrip(number, as: "int8", on: client) == number) }
            for number in [Int32.min, 0, Int32.max] { #expect(try await roundTrip(number, as: "int4", on: client) == number) }
            for number in [Int16.min, Int16.max] { #expect(try await roundTrip(number, as: "int2", on: client) == number) }
            #expect(try await roundTrip(true, as: "bool", on: client) == true)
            #expect(try await roundTrip(false, as: "bool", on: client) == false)
            for number in [0.1, -1.5e300, Double.leastNonzeroMagnitude, .infinity, -.infinity] {
                #expect(try await roundTrip(number, as: "float8", on: client) == number)
            }
            #expect(try await roundTrip(Double.nan, as: "float8", on: client).isNaN)
        }
    }

    /// A result's cells are copied into one buffer (their spans first, then their bytes):
    /// every cell of a result of many rows and columns comes back in its place, a NULL apart
    /// from an empty string, and results with no rows or no columns are empty.
    @Test("a result's cells, NULLs and empty strings in their places")
    func resultCells() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            try await client.withConnection { connection in
                let rows = try connection.query(
                    """
                    SELECT n, CASE WHEN n % 3 = 0 THEN NULL WHEN n % 3 = 1 THEN '' ELSE repeat('长', n) END, n * 2
                    FROM generate_series(1, 500) AS n
                    """)
                #expect(rows.count == 500)
                for (index, row) in rows.enumerated() {
                    let n = index + 1
                    let (first, text, last) = try row.decode((Int, String?, Int).self)
                    #expect(first == n && last == 2 * n)
                    #expect(text == (n % 3 == 0 ? nil : n % 3 == 1 ? "" : String(repeating: "长", count: n)))
                }
                let none = try connection.query("SELECT 1 WHERE false")
                #expect(none.isEmpty && none.columns.count == 1)
                let noColumns = try connection.query("SELECT FROM generate_series(1, 3)")
                #expect(noColumns.count == 3 && noColumns.columns.isEmpty)
                let nulls = try connection.query("SELECT NULL::text, NULL::int8")
                #expect(try nulls[0].decode((String?, Int?).self) == (nil, nil))
            }
        }
    }

    /// Small results are copied over the buffer of the last one when nothing holds it any
    /// longer (``ResultReuse``): a result that is kept keeps its values while more run, and
    /// each result reads its own, small and large, in any order.
    @Test("a kept result keeps its values while the connection runs more")
    func keptResults() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            try await client.withConnection { connection in
                let kept = try connection.query("SELECT 41 AS n, 'kept' AS word")
                var many: [PostgresRows] = []
                for n in 0..<300 {
                    // Small, and now and then one over the spare buffer's size.
                    let width = n % 50 == 0 ? 400 : n % 7
                    let rows = try connection.query("SELECT \(n) AS n, repeat('x', \(width)::int) AS word")
                    #expect(try rows[0].decode((Int, String).self) == (n, String(repeating: "x", count: width)))
                    if n % 3 == 0 { many.append(rows) }
                }
                #expect(try kept[0].decode((Int, String).self) == (41, "kept"))
                for (index, rows) in many.enumerated() {
                    let n = index * 3
                    #expect(try rows[0].decode((Int, String).self) == (n, String(repeating: "x", count: n % 50 == 0 ? 400 : n % 7)))
                }
            }
        }
    }

    /// A result shares the previous result's columns only when their names and types are the
    /// same (``PostgresConnection/columns(of:reusing:)``): a name of the same length, a
    /// type, or the number of columns that differs gets columns of its own.
    @Test("a result's columns are its own, whatever ran before on the connection")
    func resultColumns() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            try await client.withConnection { connection in
                func columns(_ sql: String) throws -> [String] {
                    try connection.query(PostgresQuery(unsafeSQL: sql)).columns.map { "\($0.name):\($0.type.oid)" }
                }
                #expect(try columns("SELECT 1 AS ab, 'x'::text AS cd") == ["ab:23", "cd:25"])
                #expect(try columns("SELECT 2 AS ab, 'y'::text AS cd") == ["ab:23", "cd:25"])
                #expect(try columns("SELECT 2 AS ab, 'y'::text AS ce") == ["ab:23", "ce:25"])
                #expect(try columns("SELECT 2 AS ab, 3::int8 AS ce") == ["ab:23", "ce:20"])
                #expect(try columns("SELECT 2 AS ab") == ["ab:23"])
                #expect(try columns("SELECT 2 AS \"长\"") == ["长:23"])
                #expect(try columns("SELECT 2 AS \"长\", 3 AS \"\"\"\"") == ["长:23", "\":23"])
                // The same again: shared with the result before it.
                #expect(try columns("SELECT 2 AS \"长\", 3 AS \"\"\"\"") == ["长:23", "\":23"])
                #expect(try columns("SELECT 2") == ["?column?:23"])
                #expect(try columns("SELECT FROM generate_series(1, 2)") == [])
                #expect(try columns("SELECT 2 AS ab") == ["ab:23"])
                // The command tag and the rows affected are each result's own too.
                try connection.executeScript("CREATE TEMP TABLE tagged (n int)")
                let inserted = try connection.query("INSERT INTO tagged SELECT generate_series(1, 12)")
                #expect(inserted.commandTag == "INSERT 0 12" && inserted.affectedRows == 12)
                let updated = try connection.query("UPDATE tagged SET n = n + 1 WHERE n <= 3")
                #expect(updated.commandTag == "UPDATE 3" && updated.affectedRows == 3)
                let again = try connection.query("UPDATE tagged SET n = n + 1 WHERE n <= 4")
                #expect(again.commandTag == "UPDATE 4" && again.affectedRows == 4)
                let selected = try connection.query("SELECT n FROM tagged")
                #expect(selected.commandTag == "SELECT 12" && selected.affectedRows == 12)
                let listened = try connection.query(PostgresQuery(unsafeSQL: "LISTEN tagged_channel"))
                #expect(listened.commandTag == "LISTEN" && listened.affectedRows == 0)
                // The same statement sent prepared, again and again, reads its rows right.
                for n in 1...3 {
                    let rows = try connection.query("SELECT \(n) AS ab, \(String(n)) AS cd")
                    #expect(try rows[0].decode((Int, String).self) == (n, String(n)))
                    #expect(rows.columnIndex(named: "cd") == 1)
                }
            }
        }
    }

    @Test("timestamptz keeps microseconds whatever the session's time zone")
    func timestamps() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let date = Date(timeIntervalSince1970: 1_795_370_579.123456)
            #expect(abs(try await roundTrip(date, as: "timestamptz", on: client).timeIntervalSince1970 - date.timeIntervalSince1970) < 1e-6)
            let (shanghai, utc) = try await client.withConnection { connection in
                try connection.executeScript("SET TimeZone = 'Asia/Shanghai'")
                let local = try connection.query("SELECT '2026-11-22 18:02:59.5+00'::timestamptz, now()")[0]
                let text = try connection.query("SELECT '2026-11-22 18:02:59.5+00'::timestamptz::text").scalar(String.self)
                try connection.executeScript("RESET TimeZone")
                #expect(text == "2026-11-23 02:02:59.5+08")
                _ = try local.decode(Date.self, at: 1)
                return (try local.decode(Date.self, at: 0), Date(timeIntervalSince1970: 1_795_370_579.5))
            }
            #expect(shanghai == utc)
            #expect(try await roundTrip(Date.distantFuture, as: "timestamptz", on: client) == .distantFuture)
        }
    }

    @Test("interval, uuid, jsonb and bytea, large ones too")
    func structured() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let interval = PostgresInterval(months: -14, days: 3, microseconds: 4_000_001)
            #expect(try await roundTrip(interval, as: "interval", on: client) == interval)
            #expect(try await roundTrip(Duration.seconds(7200), as: "interval", on: client) == .seconds(7200))
            let uuid = UUID()
            #expect(try await roundTrip(uuid, as: "uuid", on: client) == uuid)

            struct Payload: Codable, Equatable { var title: String; var tags: [String]; var n: Int }
            let filler = String(repeating: "井盖缺失 \"quoted\" \\ ", count: 40)
            let items = (0..<2_000).map { Payload(title: "第\($0)号投诉 " + filler, tags: ["a", "b"], n: $0) }
            let json = try PostgresJSONB(encoding: items)
            #expect(json.text.utf8.count > 1_000_000)
            let back = try await roundTrip(json, as: "jsonb", on: client)
            #expect(try back.decode([Payload].self) == items)

            let pattern = (0...255).map(UInt8.init)
            let blob = Data(repeatElement(pattern, count: 8_192).joined())  // 2 MiB, every byte value
            #expect(try await roundTrip(blob, as: "bytea", on: client) == blob)
            #expect(try await roundTrip(Data(), as: "bytea", on: client) == Data())
        }
    }

    /// What `PostgresJSONB.Writer` writes is read by the server as written: each string
    /// (control characters, quotes, non-ASCII) as the same text, each date as the same
    /// timestamptz to the microsecond, as `jsonb_to_recordset` reads them for `route_apply`.
    @Test("JSON from the writer: the server reads each string and date as written")
    func writtenJSON() async throws {
        let texts = ["say \"hi\"", "back\\slash", "tab\tnew\nline", String((1..<32).map { Character(Unicode.Scalar($0)!) }), "井盖缺失 🚧", ""]
        let dates = [Date(timeIntervalSince1970: 1_795_370_579.000001), Date(timeIntervalSince1970: -1.5), Date(timeIntervalSince1970: 951_782_400)]
        var json = PostgresJSONB.Writer()
        json.beginArray()
        for (text, date) in zip(texts, dates + dates) {
            json.beginObject()
            json.key("text"); json.value(text)
            json.key("at"); json.value(date)
            json.endObject()
        }
        json.endArray()
        let written = json.jsonb
        try await TestDatabase.withSchema { client, _ async throws in
            let rows = try await client.withConnection { connection in
                try connection.query("SELECT text, at FROM jsonb_to_recordset(\(written)) AS x(text text, at timestamptz)")
                    .map { try $0.decode((String, Date).self) }
            }
            #expect(rows.map(\.0) == texts)
            #expect(zip(rows.map(\.1), dates + dates).allSatisfy { abs($0.timeIntervalSince($1)) < 0.000_000_5 })
        }
    }

    @Test("text[] and int8[], with awkward elements and NULLs")
    func arrays() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let words = ["a,b", "{x}", "say \"hi\"", "back\\slash", "NULL", "", "漏水 报修"]
            #expect(try await roundTrip(words, as: "text[]", on: client) == words)
            #expect(try await roundTrip([Int](), as: "int8[]", on: client) == [])
            #expect(try await roundTrip([Int.min, 0, Int.max], as: "int8[]", on: client) == [Int.min, 0, Int.max])
            let withNull: [String?] = ["x", nil, "y"]
            #expect(try await roundTrip(withNull, as: "text[]", on: client) == withNull)
            let serverMade = try await client.withConnection { try $0.query("SELECT ARRAY['a b', NULL, 'c']::text[]").scalar([String?].self) }
            #expect(serverMade == ["a b", nil, "c"])
        }
    }

    @Test("text, NULL, bytea and empty values side by side in one statement each come back as sent")
    func mixedParameters() async throws {
        // The parameters share one buffer (text with its NUL, bytes as they are): each must
        // begin where the one before ended.
        try await TestDatabase.withSchema { client, _ async throws in
            let first = "第一 first"
            let none: String? = nil
            let bytes = Data([0, 1, 2, 255])
            let empty = ""
            let last = String(repeating: "后", count: 3_000)
            let row = try await client.withConnection { connection in
                try connection.query("""
                    SELECT \(first)::text, \(none)::text, \(bytes)::bytea, \(empty)::text, \(Data())::bytea, \(last)::text
                    """).first!
            }
            #expect(try row.decode(String.self, at: 0) == first)
            #expect(try row.decode(String?.self, at: 1) == nil)
            #expect(try row.decode(Data.self, at: 2) == bytes)
            #expect(try row.decode(String.self, at: 3) == empty)
            #expect(try row.decode(Data.self, at: 4) == Data())
            #expect(try row.decode(String.self, at: 5) == last)
        }
    }

    @Test("NULL of every type reads as nil, and refuses a non-optional type")
    func nulls() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            try await client.withConnection { connection in
                let row = try connection.query(
                    """
                    SELECT \(String?.none), \(Int?.none), \(Bool?.none), \(Double?.none), \(Date?.none), \(UUID?.none),
                           \(Data?.none), \(PostgresJSONB?.none), \(PostgresInterval?.none), \([String]?.none), \([Int]?.none)
                    """)[0]
                #expect(try row.decode(String?.self, at: 0) == nil)
                #expect(try row.decode(Int?.self, at: 1) == nil)
                #expect(try row.decode(Bool?.self, at: 2) == nil)
                #expect(try row.decode(Double?.self, at: 3) == nil)
                #expect(try row.decode(Date?.self, at: 4) == nil)
                #expect(try row.decode(UUID?.self, at: 5) == nil)
                #expect(try row.decode(Data?.self, at: 6) == nil)
                #expect(try row.decode(PostgresJSONB?.self, at: 7) == nil)
                #expect(try row.decode(PostgresInterval?.self, at: 8) == nil)
                #expect(try row.decode([String]?.self, at: 9) == nil)
                #expect(try row.decode([Int]?.self, at: 10) == nil)
                #expect(throws: PostgresError.self) { try row.decode(String.self, at: 0) }
                #expect(throws: PostgresError.self) { try row.decode(Int.self, at: 99) }
            }
        }
    }

    @Test("rows decode by name and as tuples; affected counts are reported")
    func rowsAndCounts() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            try await client.withConnection { connection in
                try connection.executeScript("CREATE TABLE items (id int8 PRIMARY KEY, title text)")
                let inserted = try connection.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5) g")
                #expect(inserted == 5)
                let rows = try connection.query("SELECT id, title FROM items WHERE id > \(2) ORDER BY id")
                #expect(rows.count == 3)
                #expect(rows.columns.map(\.name) == ["id", "title"])
                #expect(rows.columns[0].type == .int8)
                #expect(try rows[0].decode(String.self, named: "title") == "item 3")
                let (id, title) = try rows[2].decode((Int, String).self)
                #expect(id == 5 && title == "item 5")
                #expect(try connection.execute("DELETE FROM items WHERE id <= \(2)") == 2)
                #expect(throws: PostgresError.self) { try rows[0].decode(Int.self, named: "title") }
            }
        }
    }
}
