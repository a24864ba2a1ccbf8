import Foundation
import TestSupport
import Testing

/// Every command's help carries an example; mistyped commands get a suggestion; the shell
/// completion scripts are generated (the package installs them).
@Suite("civicq help, examples and completions")
struct HelpTests {
    @Test func everyCommandsHelpCarriesAnExample() async throws {
        var pending: [[String]] = [[]]
        var seen = 0
        let english = try await Self.everyHelpText()
        while let path = pending.popLast() {
            let outcome = try await CivicQProcess.run(path + ["--help"], environment: ["COLUMNS": "80"])
            #expect(outcome.status == 0, "\(path)")
            #expect(outcome.stdout.contains("EXAMPLES:\n  civicq "), "civicq \(path.joined(separator: " ")) --help has no example")
            // The same help in Chinese: every abstract and paragraph translated, every line
            // but the usage and the examples within 80 columns.
            let chinese = try await CivicQProcess.run(path + ["--help"], environment: ["COLUMNS": "80", "LANG": "zh_CN.UTF-8"])
            #expect(chinese.stdout.contains("示例：\n  civicq ") && chinese.stdout.hasPrefix("概述："), "\(path)")
            let flat = Self.normalized(chinese.stdout)
            for text in english where flat.contains(text) {
                Issue.record("civicq \(path.joined(separator: " ")) --help in Chinese still says: \(text)")
            }
            for line in chinese.stdout.split(separator: "\n") where !line.hasPrefix("用法：") && !line.hasPrefix("  civicq ") {
                #expect(Self.columns(line) <= 80, "civicq \(path.joined(separator: " ")) --help: \(line)")
            }
            seen += 1
            // The subcommands listed, without the help command itself.
            if let range = outcome.stdout.range(of: "SUBCOMMANDS:\n") {
                let block = outcome.stdout[range.upperBound...].prefix { _ in true }
                for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.isEmpty { break }
                    guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
                    let word = String(name).trimmingCharacters(in: CharacterSet(charactersIn: ","))
                    if word != "help" { pending.append(path + [word]) }
                }
            }
        }
        #expect(seen > 80, "\(seen) commands")
        // `civicq help case accept` is the same help.
        #expect(try await CivicQProcess.run(["help", "case", "accept"]).stdout.contains("civicq case accept 42 --as water_wang"))
    }

    /// Every abstract and paragraph of discussion in civicq's help, from ArgumentParser's
    /// dump, with runs of white space as one space.
    static func everyHelpText() async throws -> Set<String> {
        let dump = try await CivicQProcess.run(["--experimental-dump-help"])
        let tool = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        var texts = Set<String>()
        func add(_ text: Any?) {
            guard let text = text as? String else { return }
            for paragraph in text.components(separatedBy: "\n\n") where !normalized(paragraph).isEmpty {
                texts.insert(normalized(paragraph))
            }
        }
        func walk(_ command: [String: Any]) {
            add(command["abstract"])
            add(command["discussion"])
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                add(argument["abstract"])
                add(argument["discussion"])
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { walk(sub) }
        }
        walk(tool?["command"] as? [String: Any] ?? [:])
        #expect(texts.count > 250, "\(texts.count) texts in the help")
        return texts
    }

    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Terminal columns: CJK characters count two.
    static func columns(_ line: Substring) -> Int {
        line.unicodeScalars.reduce(0) { $0 + ((0x2E80...0xA4CF).contains($1.value) || (0xFF00...0xFF60).contains($1.value) ? 2 : 1) }
    }

    @Test func mistypedCommandsAreNamedWithTheNearest() async throws {
        let typo = try await CivicQProcess.run(["ledgr", "list"])
        #expect(typo.status == 64)
        #expect(typo.stderr == "civicq: 'ledgr' is not a command of civicq; did you mean 'ledger'? (civicq --help lists them)\n")
        let far = try await CivicQProcess.run(["case", "frobnicate"])
        #expect(far.status == 64 && !far.stderr.contains("did you mean"))
    }

    @Test func completionScriptsForBashZshAndFish() async throws {
        for (shell, marker) in [("bash", "complete -o filenames -F _civicq civicq"), ("zsh", "#compdef civicq"), ("fish", "complete -c 'civicq'")] {
            let script = try await CivicQProcess.run(["--generate-completion-script", shell])
            #expect(script.status == 0 && script.stdout.contains(marker), "\(shell): \(script.stdout.prefix(120))")
            #expect(script.stdout.contains("ledger"))
        }
    }
}
