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
        while let path = pending.popLast() {
            let outcome = try await CivicQProcess.run(path + ["--help"])
            #expect(outcome.status == 0, "\(path)")
            #expect(outcome.stdout.contains("EXAMPLES:\n  civicq "), "civicq \(path.joined(separator: " ")) --help has no example")
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
