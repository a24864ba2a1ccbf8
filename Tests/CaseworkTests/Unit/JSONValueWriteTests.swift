import Casework
import Foundation
import Postgres
import Testing

/// Attribute answers are stored as the JSON they are: written by `PostgresJSONB.Writer`, a
/// parsed document reads back as the same value.
@Suite("A JSON value written for storing")
struct JSONValueWriteTests {
    @Test("every kind of value, nested, reads back the same")
    func roundTrip() throws {
        let document = #"""
            {"time_of_day": "night", "floors": [1, 2.5, -3, 1e3], "ok": true, "no": false, "none": null,
             "nested": {"list": [[], {}, "say \"hi\"\n\t\\", "井盖 🚧"], "empty": ""}}
            """#
        let value = try JSONValue.parse(Data(document.utf8))
        var json = PostgresJSONB.Writer()
        value.write(to: &json)
        #expect(try JSONValue.parse(Data(json.jsonb.text.utf8)) == value)
        #expect(json.jsonb.text.contains(#""floors":[1,2.5,-3,1000]"#))
    }
}
