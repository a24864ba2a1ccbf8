import Foundation

/// A plain-text table whose columns line up in a terminal, counting CJK characters as two
/// columns wide (as terminals draw them).
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Cells longer than this many columns are cut with "…".
    var maxCellWidth = 40

    init(_ header: String...) { self.header = header }

    init(header: [String]) { self.header = header }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render() -> String {
        let all = [header] + rows.map { $0.map { Self.cut($0, to: maxCellWidth) } }
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], Self.width(cell)) }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - Self.width(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1.value) ? 2 : 1) }
    }

    static func isWide(_ value: UInt32) -> Bool {
        (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x20000...0x3FFFD).contains(value)
    }

    static func cut(_ text: String, to width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard self.width(flat) > width else { return flat }
        var result = ""
        var used = 0
        for character in flat {
            let next = self.width(String(character))
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }
}

/// JSON for `--json`: sorted keys, ISO 8601 dates.
enum JSONOutput {
    static func render<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
