import Foundation

/// What the benches read of processes on this machine from /proc: CPU time and memory.
enum ProcessStats {
    /// User plus system CPU seconds of a process (/proc/PID/stat), or 0; with `reaped`, also
    /// those of the children it has waited for.
    static func cpuSeconds(_ pid: Int32, reaped: Bool = false) -> Double {
        guard let fields = statFields(pid) else { return 0 }
        let count = reaped ? 4 : 2
        let ticks = fields[11..<(11 + count)].compactMap { Double($0) }.reduce(0, +)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The CPU seconds used so far by every process named `postgres` on this machine, with the
    /// backends that have exited (the postmaster reaps them). A bench reads it before and
    /// after a run: meaningful when the server is local and serves nothing else, as
    /// `scripts/bench`'s own server does; otherwise `nil`.
    static func postgresCPUSeconds() -> Double? { postgres()?.cpuSeconds }

    /// The CPU seconds of every process named `postgres` (as ``postgresCPUSeconds()``) and how
    /// many there are, or `nil` when there is none.
    static func postgres() -> (cpuSeconds: Double, processes: Int)? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        var total = 0.0
        var processes = 0
        for entry in entries {
            guard let pid = Int32(entry), name(pid) == "postgres" else { continue }
            processes += 1
            total += cpuSeconds(pid, reaped: true)
        }
        return processes > 0 ? (total, processes) : nil
    }

    /// A field of /proc/PID/status in kB (VmRSS, VmHWM), or 0.
    static func memory(_ pid: Int32, field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            return Int(line.dropFirst(field.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") ?? 0
        }
        return 0
    }

    private static func name(_ pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        return String(text[text.index(after: open)..<close])
    }

    /// The fields of /proc/PID/stat after the command name (state first).
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 14 ? fields : nil
    }
}
