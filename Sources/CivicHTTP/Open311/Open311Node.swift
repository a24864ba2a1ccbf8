import Foundation
import Postgres

/// An Open311 answer as a tree that renders both ways the spec lays out: XML (elements named
/// as in the spec, lists as repeated elements) and JSON (the "Spark convention": objects with
/// fields in order, lists as bare arrays).
indirect enum Open311Node: Sendable, Equatable {
    case text(String?)
    case number(Double?)
    case bool(Bool)
    /// Fields in the spec's order.
    case element([(String, Open311Node)])
    /// Items, each an XML element named `item`.
    case list(item: String, [Open311Node])

    static func == (lhs: Open311Node, rhs: Open311Node) -> Bool { lhs.json == rhs.json }

    /// A W3C date-time with a time zone (UTC), or null.
    static func date(_ date: Date?) -> Open311Node {
        .text(date.map { $0.formatted(Date.ISO8601FormatStyle()) })
    }

    // MARK: JSON

    var json: String {
        var json = PostgresJSONB.Writer()
        write(to: &json)
        return json.jsonb.text
    }

    private func write(to json: inout PostgresJSONB.Writer) {
        switch self {
        case .text(let text?): json.value(text)
        case .number(let number?): json.value(number)
        case .text(nil), .number(nil): json.null()
        case .bool(let value): json.value(value)
        case .element(let fields):
            json.beginObject()
            for (name, value) in fields {
                json.key(name)
                value.write(to: &json)
            }
            json.endObject()
        case .list(_, let items):
            json.beginArray()
            for item in items { item.write(to: &json) }
            json.endArray()
        }
    }

    // MARK: XML

    /// The document with root element `root` and an XML declaration naming UTF-8.
    func xml(root: String) -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        writeXML(name: root, into: &out)
        return out
    }

    private func writeXML(name: String, into out: inout String) {
        switch self {
        case .text(nil), .number(nil):
            out += "<\(name)/>"
        case .list(let item, let items):
            out += "<\(name)>"
            for element in items { element.writeXML(name: item, into: &out) }
            out += "</\(name)>"
        case .element(let fields):
            out += "<\(name)>"
            for (field, value) in fields { value.writeXML(name: field, into: &out) }
            out += "</\(name)>"
        default:
            out += "<\(name)>"
            MarkupText.escape(scalarText, into: &out)
            out += "</\(name)>"
        }
    }

    private var scalarText: String {
        switch self {
        case .text(let text): text ?? ""
        case .number(let number?): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let value): value ? "true" : "false"
        default: ""
        }
    }
}
