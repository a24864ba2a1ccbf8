import Casework
import Foundation

/// Progress of an import on standard error: a bar redrawn in place on a terminal, a plain
/// line per batch otherwise (for logs and scripts). Ends with the totals.
final class ImportProgress {
    private let start = ContinuousClock.now
    private let terminal = isatty(STDERR_FILENO) == 1
    private(set) var rows = 0
    private(set) var created = 0
    private(set) var existing = 0
    private(set) var rejected = 0

    func add(rows: Int, created: Int, existing: Int, rejected: Int, fraction: Double) {
        self.rows += rows
        self.created += created
        self.existing += existing
        self.rejected += rejected
        let rate = Int(Double(self.rows) / max(seconds, 0.001))
        if terminal {
            let width = 30
            let filled = Int((fraction * Double(width)).rounded())
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write("\r\(bar) \(Int(fraction * 100))%  \(self.rows) rows  \(rate)/s  rejected \(self.rejected)   ")
        } else {
            write("import: \(self.rows) rows read, \(self.created) created, \(self.existing) existing, \(self.rejected) rejected, \(rate) rows/s\n")
        }
    }

    func finish(rejects: String) {
        if terminal { write("\n") }
        let time = String(format: "%.1f", seconds)
        print(Spoken.say("\(rows) rows in \(time) s: \(created) created, \(existing) already there, \(rejected) rejected",
                         "\(rows) 行，用时 \(time) 秒：新建 \(created)，已存在 \(existing)，拒收 \(rejected)")
              + (rejected > 0 ? Spoken.say(" (see \(rejects))", "（见 \(rejects)）") : ""))
    }

    private var seconds: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func json(_ reject: ImportFile.Reject) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        struct Line: Encodable { let line: Int; let reason: String }
        return String(decoding: (try? encoder.encode(Line(line: reject.line, reason: reject.reason))) ?? Data(), as: UTF8.self)
    }
}
