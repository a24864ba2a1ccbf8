import ArgumentParser
import Casework
import Foundation

/// The text of `--help`, laid out by civicq rather than by ArgumentParser: ArgumentParser
/// renders it unwrapped, this reads it back into headings, paragraphs and labelled entries,
/// puts each abstract and paragraph into the reader's language (``HelpText/chinese``), and
/// wraps it to the terminal, counting CJK characters as two columns and breaking between
/// them (ArgumentParser wraps only at spaces and keeps a discussion's own line breaks).
struct HelpText {
    let language: Language
    /// Columns to wrap to.
    let width: Int

    /// Where an entry's abstract begins (ArgumentParser's label column).
    static let labelColumn = 26

    /// The help of `command` (a subcommand of `root`) as this reader reads it.
    func render(_ command: any ParsableCommand.Type, root: any ParsableCommand.Type) -> String {
        let raw = root.helpMessage(for: command, columns: 1_000_000)
        var out: [String] = []
        var paragraph: [String] = []
        var indent = 0
        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out += wrap(translate(paragraph.joined(separator: " ")), indent: indent, hanging: indent)
            paragraph = []
        }
        var section = ""
        let lines = raw.components(separatedBy: "\n")
        for (number, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let lead = line.prefix(while: { $0 == " " }).count
            if trimmed.isEmpty {
                flushParagraph()
                out.append("")
            } else if lead == 0, let colon = line.firstIndex(of: ":"), Self.headings[String(line[..<colon])] != nil {
                flushParagraph()
                section = String(line[..<colon])
                let heading = heading(section)
                let rest = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if rest.isEmpty {
                    out.append(heading + (language == .zhCN ? "：" : ":"))
                } else if section == "USAGE" {
                    out.append(heading + (language == .zhCN ? "：" : ": ") + rest)
                } else {
                    let prefix = heading + (language == .zhCN ? "：" : ": ")
                    out += wrap(prefix + translate(rest), indent: 0, hanging: 0)
                }
            } else if lead == 0 || section == "OVERVIEW" {
                if paragraph.isEmpty { indent = lead }
                paragraph.append(trimmed)
            } else if lead == 2, trimmed.hasPrefix("See '") {
                flushParagraph()
                out += wrap(seeAlso(trimmed), indent: 2, hanging: 2)
            } else if lead == 2 {
                flushParagraph()
                let next = number + 1 < lines.count ? lines[number + 1] : ""
                out += entry(line, abstractBelow: next.prefix(while: { $0 == " " }).count == Self.labelColumn)
            } else if lead >= Self.labelColumn, let last = out.last, !last.isEmpty, last.count > 2 {
                // An abstract ArgumentParser put under a long label.
                out += wrap(translate(trimmed), indent: Self.labelColumn, hanging: Self.labelColumn)
            } else {
                if paragraph.isEmpty || lead != indent { flushParagraph(); indent = lead }
                paragraph.append(trimmed)
            }
        }
        flushParagraph()
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n")
    }

    /// "  --until <until>         The new deadline …": the label, then its abstract at the
    /// label column (under the label when the label is too long).
    private func entry(_ line: String, abstractBelow: Bool) -> [String] {
        let characters = Array(line)
        guard !abstractBelow, characters.count > Self.labelColumn, characters[Self.labelColumn - 1] == " " else {
            return ["  " + label(line.trimmingCharacters(in: .whitespaces))]
        }
        let name = label(String(characters[..<Self.labelColumn]).trimmingCharacters(in: .whitespaces))
        let abstract = translate(String(characters[Self.labelColumn...]).trimmingCharacters(in: .whitespaces))
        let lines = wrap(abstract, indent: Self.labelColumn, hanging: Self.labelColumn)
        let padded = "  " + name
        if TextTable.width(padded) < Self.labelColumn, let first = lines.first {
            let text = first.dropFirst(Self.labelColumn)
            return [padded + String(repeating: " ", count: Self.labelColumn - TextTable.width(padded)) + text] + lines.dropFirst()
        }
        return [padded] + lines
    }

    /// A subcommand's label: "table (default)" in the reader's words.
    private func label(_ text: String) -> String {
        language == .zhCN ? text.replacingOccurrences(of: " (default)", with: "（默认）") : text
    }

    private func heading(_ english: String) -> String {
        language == .zhCN ? Self.headings[english] ?? english : english
    }

    /// ArgumentParser's "See 'civicq help stats <subcommand>' for detailed help."
    private func seeAlso(_ text: String) -> String {
        guard language == .zhCN,
              let open = text.range(of: "'"), let close = text.range(of: "'", range: open.upperBound..<text.endIndex)
        else { return text }
        let command = text[open.upperBound..<close.lowerBound].replacingOccurrences(of: "<subcommand>", with: "<子命令>")
        return "详细帮助见 '\(command)'。"
    }

    /// The text in the reader's language; "(default: x)" and "(values: …)" that
    /// ArgumentParser appends are kept and put into words too.
    func translate(_ text: String) -> String {
        guard language == .zhCN else { return text }
        var core = text
        var suffix = ""
        for (english, chinese) in [(" (default: ", "（默认："), (" (values: ", "（可选值：")] {
            if let range = core.range(of: english, options: .backwards), core.hasSuffix(")") {
                suffix = chinese + core[range.upperBound...].dropLast() + "）" + suffix
                core = String(core[..<range.lowerBound])
            }
        }
        return (Self.chinese[Self.normalized(core)] ?? core) + suffix
    }

    /// Runs of white space as one space: the key of ``chinese``.
    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The headings ArgumentParser and ``HelpExamples`` print, in Chinese.
    static let headings: [String: String] = [
        "OVERVIEW": "概述", "USAGE": "用法", "ARGUMENTS": "参数", "OPTIONS": "选项", "SUBCOMMANDS": "子命令",
        "EXAMPLES": "示例",
    ]
}

extension HelpText {
    /// `text` in lines of at most `width` columns: the first indented by `indent`, the rest
    /// by `hanging`. Breaks at spaces and between CJK characters, never before closing
    /// punctuation; a word longer than a line stands on its own.
    func wrap(_ text: String, indent: Int, hanging: Int) -> [String] {
        var lines: [String] = []
        var line = String(repeating: " ", count: indent)
        var used = indent
        var lineHasText = false
        func breakLine() {
            lines.append(line)
            line = String(repeating: " ", count: hanging)
            used = hanging
            lineHasText = false
        }
        for (piece, spaced) in Self.pieces(text) {
            let gap = lineHasText && spaced ? 1 : 0
            let w = TextTable.width(piece)
            if lineHasText && used + gap + w > width { breakLine() }
            if lineHasText && spaced { line += " "; used += 1 }
            line += piece
            used += w
            lineHasText = true
        }
        if lineHasText || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// The unbreakable pieces of `text`, each with whether a space came before it: a run of
    /// non-CJK letters is one piece, each CJK character another, and closing punctuation
    /// stays with what it follows.
    static func pieces(_ text: String) -> [(String, Bool)] {
        var result: [(String, Bool)] = []
        var current = ""
        var spaced = false
        var currentIsWide = false
        var pendingSpace = false
        func flush() {
            if !current.isEmpty { result.append((current, spaced)) }
            current = ""
            currentIsWide = false
        }
        for character in text {
            if character == " " {
                flush()
                pendingSpace = true
                continue
            }
            let wide = character.unicodeScalars.first.map { TextTable.isWide($0.value) } ?? false
            let closing = "，。；：、）》」』！？)],.;:!?".contains(character)
            if closing, !pendingSpace, !current.isEmpty || !result.isEmpty {
                if current.isEmpty, let last = result.popLast() { (current, spaced) = last }
                current.append(character)
                if wide { flush() }
            } else if wide {
                if current.isEmpty || !current.allSatisfy({ "(（「《“".contains($0) }) {
                    flush()
                    spaced = pendingSpace
                }
                current.append(character)
                currentIsWide = true
            } else {
                if currentIsWide, !current.allSatisfy({ "(（「《“".contains($0) }) { flush() }
                if current.isEmpty { spaced = pendingSpace }
                current.append(character)
                currentIsWide = false
            }
            pendingSpace = false
        }
        flush()
        return result
    }

    /// The terminal's width: `COLUMNS`, else the terminal's, else 80.
    static func terminalWidth(_ environment: [String: String]) -> Int {
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns >= 40 { return columns }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
        return 80
    }
}
