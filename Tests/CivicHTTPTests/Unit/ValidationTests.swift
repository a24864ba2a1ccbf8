import Casework
import CivicSchema
import Foundation
import Testing

@Suite("The case schema and the intake validator")
struct ValidationTests {
    static let validator = IntakeValidator(schema: try! JSONSchema(data: try! CivicSchema.jsonSchema(named: "case.schema.json")))
    static let now = ISODate.parse("2026-11-20T10:00:00+08:00")!

    static func check(_ json: String) -> Result<NewCase, InvalidSubmission> {
        validator.validate(try! JSONValue.parse(Data(json.utf8)), source: "test", now: now)
    }

    static func fields(_ json: String) -> [String] {
        if case .failure(let invalid) = check(json) { return invalid.errors.map(\.field) }
        return []
    }

    @Test("a full complaint becomes a NewCase with every field")
    func valid() throws {
        let json = #"{"external_id":"A-1","category":"030101","area":"420102","title":"夜间施工","description":"工地\n夜里还在打桩","channel":"wechat","priority":"urgent","received_at":"2026-11-20T09:00:00+08:00","citizen":{"name":"李四","phone":"+86 138-0000-0000"},"address":"江岸区","latitude":30.6,"longitude":114.3}"#
        let complaint = try Self.check(json).get()
        #expect(complaint.source == "test" && complaint.externalID == "A-1" && complaint.channel == "wechat" && complaint.priority == "urgent")
        #expect(complaint.citizenName == "李四" && complaint.citizenPhone == "+86 138-0000-0000" && complaint.latitude == 30.6)
        #expect(complaint.receivedAt == ISODate.parse("2026-11-20T01:00:00Z"))
    }

    @Test("each rule of the schema names its field")
    func rules() {
        #expect(Self.fields("[]") == [""])
        #expect(Set(Self.fields("{}")) == ["/external_id", "/category", "/area", "/title", "/description"])
        let base = #""external_id":"A","category":"01","area":"42","title":"t","description":"d""#
        #expect(Self.fields("{\(base),\"channel\":\"fax\"}") == ["/channel"])
        #expect(Self.fields("{\(base),\"priority\":1}") == ["/priority"])
        #expect(Self.fields("{\(base),\"latitude\":\"30\",\"longitude\":1}") == ["/latitude"])
        #expect(Self.fields("{\(base),\"longitude\":1}") == ["/latitude"])
        #expect(Self.fields("{\(base),\"citizen\":{\"phone\":\"12\"}}") == ["/citizen/phone"])
        #expect(Self.fields("{\(base),\"citizen\":{\"email\":\"a@b\"}}") == ["/citizen/email"])
        #expect(Self.fields("{\(base),\"received_at\":\"2026-11-20 10:00\"}") == ["/received_at"])
        #expect(Self.fields("{\(base),\"received_at\":\"2026-11-20T10:06:00+08:00\"}") == ["/received_at"], "more than 5 minutes ahead")
        #expect(Self.fields("{\(base),\"received_at\":\"2025-11-18T10:00:00+08:00\"}") == ["/received_at"], "more than 366 days back")
        #expect(Self.fields("{\(base),\"received_at\":\"2026-11-20T10:04:00+08:00\"}") == [])
        #expect(Self.fields(#"{"external_id":"A","category":"01","area":"42","title":"\t \n","description":"d"}"#) == ["/title"])
        #expect(Self.fields(#"{"external_id":"A","category":"01","area":"42","title":"a\u001bb","description":"d"}"#) == ["/title"])
        #expect(Self.fields(#"{"external_id":"A","category":"01","area":"42","title":"ok","description":"\u0085"}"#) == ["/description"])
        #expect(Self.fields(#"{"external_id":"A","category":"01","area":"42","title":"'; DROP TABLE cases; --","description":"d"}"#) == [])
    }

    @Test("lengths count code points: 200 Chinese characters fit a title, 201 do not")
    func lengths() {
        let ok = #"{"external_id":"A","category":"01","area":"42","title":"\#(String(repeating: "路", count: 200))","description":"d"}"#
        let long = #"{"external_id":"A","category":"01","area":"42","title":"\#(String(repeating: "路", count: 201))","description":"d"}"#
        #expect(Self.fields(ok) == [])
        #expect(Self.fields(long) == ["/title"])
    }

    @Test("messages never repeat the submitted value")
    func safeMessages() throws {
        guard case .failure(let invalid) = Self.check(#"{"external_id":"secret id","category":"01","area":"42","title":"t","description":"d","citizen":{"phone":"call 12345 now"}}"#) else {
            Issue.record("should fail"); return
        }
        #expect(!invalid.description.contains("secret") && !invalid.description.contains("12345"))
    }

    @Test("a schema with a keyword the validator does not know is refused when loaded")
    func unknownKeyword() {
        #expect(throws: JSONSchema.SchemaError.self) { try JSONSchema(data: Data(#"{"type":"object","oneOf":[]}"#.utf8)) }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data([0xFF, 0xFE])) }
    }

    @Test("a title, an address or a name refuses every control character, CR and LF included; a description keeps its lines")
    func singleLineFields() throws {
        let base = #""external_id":"A","category":"01","area":"42","description":"第一行\r\n第二行\t完""#
        #expect(Self.fields("{\(base),\"title\":\"路灯\"}").isEmpty)
        for bad in ["\\r", "\\n", "\\t", "\\u0000", "\\u001b", "\\u0085"] {
            #expect(Self.fields("{\(base),\"title\":\"路灯\(bad)不亮\"}") == ["/title"], "\(bad)")
            #expect(Self.fields("{\(base),\"title\":\"t\",\"address\":\"江岸\(bad)区\"}") == ["/address"], "\(bad)")
            #expect(Self.fields("{\(base),\"title\":\"t\",\"citizen\":{\"name\":\"张\(bad)三\"}}") == ["/citizen/name"], "\(bad)")
        }
        let description = try Self.check("{\(base),\"title\":\"t\"}").get().description
        #expect(description == "第一行\r\n第二行\t完")
        #expect(Self.fields("{\"external_id\":\"A\",\"category\":\"01\",\"area\":\"42\",\"title\":\"t\",\"description\":\"a\\u0000b\"}") == ["/description"])
    }

    @Test("an import's received_at without an offset is read in the installation's zone")
    func importTimes() throws {
        let validator = IntakeValidator(schema: try JSONSchema(data: try CivicSchema.jsonSchema(named: "case.schema.json")))
        let now = ISODate.parse("2026-12-03T00:00:00Z")!
        let file = ImportFile(data: Data("""
            external_id,category,area,title,description,received_at
            a,020103,420102001,下水道堵塞,楼下下水道堵了,2026-12-01 09:30
            b,020103,420102001,下水道堵塞,楼下下水道堵了,2026-12-01T09:30:00Z

            """.utf8), format: .csv)
        let rows = try file.reader().next(10)
        for (zone, expected) in [(TimeZone(identifier: "Asia/Shanghai")!, "2026-12-01T01:30:00Z"), (TimeZone(identifier: "America/New_York")!, "2026-12-01T14:30:00Z")] {
            let validated = ImportFile.validate(rows, source: "archive", validator: validator, timeZone: zone, now: now)
            let times = validated.compactMap { try? $0.row.get().receivedAt }
            #expect(times == [ISODate.parse(expected)!, ISODate.parse("2026-12-01T09:30:00Z")!])
        }
    }
}
