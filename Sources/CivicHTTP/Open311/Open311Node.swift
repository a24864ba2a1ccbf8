import Foundation

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
        var out = ""
        writeJSON(into: &out)
        return out
    }

    private func writeJSON(into out: inout String) {
        switch self {
        case .text(let text?): Self.quote(text, into: &out)
        case .number(let number?): out += number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .text(nil), .number(nil): out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .element(let fields):
            out += "{"
            for (index, (name, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                Self.quote(name, into: &out)
                out += ":"
                value.writeJSON(into: &out)
            }
            out += "}"
        case .list(_, let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeJSON(into: &out)
            }
            out += "]"
        }
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
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
