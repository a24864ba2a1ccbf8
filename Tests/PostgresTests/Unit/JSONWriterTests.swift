import Foundation
import Testing

@testable import Postgres

@Suite("JSON written value by value")
struct JSONWriterTests {
    /// Every character a string can hold: quotes, backslashes, each control character,
    /// non-ASCII text and characters outside the Basic Multilingual Plane.
    static let awkward = ["", "plain", "say \"hi\"", "back\\slash", "tab\tnew\nline\rreturn", String((0..<32).map { Character(Unicode.Scalar($0)!) }),
                          "\u{7f}\u{85}\u{2028}", "井盖缺失，东城区", "🚧 roadworks", "/slash/"]

    @Test("nested objects and arrays take their commas, and strings come back as written")
    func roundTrip() throws {
        var json = PostgresJSONB.Writer()
        json.beginArray()
        for (index, text) in Self.awkward.enumerated() {
            json.beginObject()
            json.key("text"); json.value(text)
            json.key("n"); json.value(index)
            json.key("list"); json.value([text, "x"])
            json.key("empty"); json.beginObject(); json.endObject()
            json.key("none"); json.null()
            json.field("absent", nil as String?)
            json.key("flag"); json.value(index % 2 == 0)
            json.endObject()
        }
        json.beginArray(); json.endArray()
        json.endArray()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.jsonb.text.utf8)) as? [Any])
        #expect(parsed.count == Self.awkward.count + 1)
        for (index, text) in Self.awkward.enumerated() {
            let object = try #require(parsed[index] as? [String: Any])
            #expect(object["text"] as? String == text)
            #expect(object["n"] as? Int == index)
            #expect(object["list"] as? [String] == [text, "x"])
            #expect((object["empty"] as? [String: Any])?.isEmpty == true)
            #expect(object["none"] is NSNull)
            #expect(object["absent"] == nil)
            #expect(object["flag"] as? Bool == (index % 2 == 0))
        }
        #expect((parsed[Self.awkward.count] as? [Any])?.isEmpty == true)
    }

    @Test("U+2028 and U+2029, line ends to JavaScript, are escaped")
    func lineSeparators() {
        var json = PostgresJSONB.Writer()
        json.value("a\u{2028}b\u{2029}c\u{2027}")
        #expect(json.jsonb.text == #""a\u2028b\u2029c\#u{2027}""#)
    }

    @Test("numbers: integers at their edges, doubles exactly, whole doubles as integers, non-finite ones as null")
    func numbers() throws {
        var json = PostgresJSONB.Writer()
        json.beginArray()
        for number in [Int.min, -1, 0, Int.max] { json.value(number) }
        for number in [0.93, -1.5e300, Double.leastNonzeroMagnitude, 5.0, -120.0, 1e15, .infinity, .nan] { json.value(number) }
        json.endArray()
        #expect(json.jsonb.text == "[-9223372036854775808,-1,0,9223372036854775807,0.93,-1.5e+300,5e-324,5,-120,1000000000000000.0,null,null]")
    }

    @Test("a date is timestamptz text in UTC with its microseconds")
    func date() {
        var json = PostgresJSONB.Writer()
        json.beginObject()
        json.key("at"); json.value(Date(timeIntervalSince1970: 1_795_370_579.25))
        json.key("due"); json.null()
        json.field("none", nil as Date?)
        json.endObject()
        #expect(json.jsonb.text == #"{"at":"2026-11-22 18:02:59.250000+00","due":null}"#)
    }
}
