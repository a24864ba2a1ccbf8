import Foundation
import Testing

@testable import Postgres

@Suite("Text codecs")
struct CodecTests {
    private func bytes(_ text: String) -> ArraySlice<UInt8> { ArraySlice(Array(text.utf8)) }

    @Test("timestamps parse with any offset and fraction", arguments: [
        ("2026-11-22 18:02:59+00", 1_795_370_579.0),
        ("2026-11-23 02:02:59+08", 1_795_370_579.0),
        ("2026-11-22 12:32:59-05:30", 1_795_370_579.0),
        ("2026-11-22 18:02:59.5+00", 1_795_370_579.5),
        ("2026-11-22 18:02:59.000001+00", 1_795_370_579.000001),
        ("1969-12-31 23:59:59+00", -1.0),
        ("2000-02-29 00:00:00+00", 951_782_400.0),
    ])
    func timestampParse(text: String, expected: Double) throws {
        let date = try #require(PostgresTimestampCodec.parse(bytes(text)))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_001)
    }

    @Test("malformed timestamps are refused", arguments: ["2026-11-22", "2026-13-01 00:00:00+00", "2026-11-22 18:02:59", "yesterday"])
    func timestampRefused(text: String) {
        #expect(PostgresTimestampCodec.parse(bytes(text)) == nil)
    }

    @Test("formatting then parsing a timestamp keeps microseconds")
    func timestampRoundTrip() throws {
        for seconds in [0.0, 1_795_370_579.123456, -86_400.25, 4_102_444_800.000001] {
            let date = Date(timeIntervalSince1970: seconds)
            let text = PostgresTimestampCodec.format(date)
            let back = try #require(PostgresTimestampCodec.parse(bytes(text)))
            #expect(abs(back.timeIntervalSince1970 - seconds) < 0.000_001, "\(text)")
        }
        #expect(PostgresTimestampCodec.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00+00")
    }

    @Test("ISO 8601 intervals parse, signs and fractions included")
    func intervals() {
        #expect(PostgresInterval.parseISO8601(bytes("P1Y2M3DT4H5M6.5S")) == PostgresInterval(months: 14, days: 3, microseconds: 14_706_500_000))
        #expect(PostgresInterval.parseISO8601(bytes("PT0S")) == PostgresInterval())
        #expect(PostgresInterval.parseISO8601(bytes("P-1M-2DT-3H")) == PostgresInterval(months: -1, days: -2, microseconds: -10_800_000_000))
        #expect(PostgresInterval.parseISO8601(bytes("PT-0.000001S")) == PostgresInterval(microseconds: -1))
        #expect(PostgresInterval.parseISO8601(bytes("1 day")) == nil)
        #expect(PostgresInterval(.seconds(90)).description == "0 mons 0 days 90.000000 secs")
        #expect(PostgresInterval(microseconds: -1_500_000).description == "0 mons 0 days -1.500000 secs")
    }

    @Test("array literals round-trip quotes, commas, braces, backslashes and NULL")
    func arrays() throws {
        let elements: [String?] = ["plain", "with space", "a,b", "{braces}", "say \"hi\"", "back\\slash", "NULL", "", nil, "漏水"]
        let literal = PostgresArrayLiteral.format(elements)
        #expect(PostgresArrayLiteral.parse(bytes(literal)) == elements)
        #expect(PostgresArrayLiteral.parse(bytes("{}")) == [])
        #expect(PostgresArrayLiteral.parse(bytes("{1,2,NULL}")) == ["1", "2", nil])
        #expect(PostgresArrayLiteral.parse(bytes("[0:1]={a,b}")) == ["a", "b"])
        #expect(PostgresArrayLiteral.parse(bytes("{{1,2},{3,4}}")) == nil)
        #expect(PostgresArrayLiteral.parse(bytes("{a,}")) == nil)
        #expect(PostgresArrayLiteral.parse(bytes("{\"open}")) == nil)
    }

    @Test("bytea hex round-trips every byte value")
    func bytea() {
        let all = (0...255).map(UInt8.init)
        let hex = PostgresByteaCodec.hexString(all)
        #expect(hex.hasPrefix("\\x000102"))
        #expect(PostgresByteaCodec.parseHex(bytes(hex)) == all)
        #expect(PostgresByteaCodec.parseHex(bytes("\\x0g")) == nil)
        #expect(PostgresByteaCodec.parseHex(bytes("00ff")) == nil)
    }

    @Test("COPY error context yields the line number")
    func copyLine() {
        #expect(PostgresConnection.copyLine(in: "COPY items, line 7778, column n: \"x\"") == 7778)
        #expect(PostgresConnection.copyLine(in: "COPY items, line 3") == 3)
        #expect(PostgresConnection.copyLine(in: nil) == nil)
    }

    @Test("error descriptions carry codes and names, not data")
    func safeDescription() {
        var error = PostgresError(code: .server, reason: "invalid text representation", sqlState: .invalidTextRepresentation)
        error.message = "invalid input syntax for type integer: \"13800138000\""
        error.detail = "Key (phone)=(13800138000) already exists."
        error.constraintName = "cases_phone_key"
        #expect(!error.description.contains("13800138000"))
        #expect(error.description.contains("22P02"))
        #expect(error.description.contains("cases_phone_key"))
        #expect(error.debugDescription.contains("13800138000"))
    }

    @Test("migration files are read as NNN_name.sql")
    func migrationNames() throws {
        let migration = try PostgresMigration(fileName: "012_job_queue.sql", sql: "SELECT 1")
        #expect(migration.version == 12)
        #expect(migration.name == "job_queue")
        for bad in ["job_queue.sql", "012.sql", "012_.sql", "012_x.txt", "000_zero.sql"] {
            #expect(throws: PostgresError.self) { try PostgresMigration(fileName: bad, sql: "") }
        }
    }
}
