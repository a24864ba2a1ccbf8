import Casework
import CivicHTTP
import Foundation
import JobQueue
import Postgres

/// One frame of `civicq top`, as text: pure, so the tests read it without a terminal.
struct TopScreen {
    let database: String
    let departmentNames: [String: String]
    let departmentLimit: Int
    /// The installation's reporting time zone: every time on the screen is in it.
    let timeZone: TimeZone

    /// One frame. `lag`: how far the read server is behind (nil: reading the primary).
    func render(_ reading: OperationsReading, previous: OperationsReading?, lag: ReplicaLag? = nil, at now: Date) -> String {
        let snapshot = reading.snapshot
        var lines: [String] = []
        lines.append(
            "civicq top — \(database) — \(Presentation.local(now, in: timeZone, seconds: true))   "
                + "(read in \(Int((reading.seconds * 1000).rounded())) ms; Ctrl-C stops)")
        if let lag { lines.append(Self.describe(lag, in: timeZone)) }
        let open = snapshot.casesByState.values.reduce(0, +)
        let overdue = snapshot.overdueByDepartment.values.reduce(0, +)
        lines.append(
            "intake: \(snapshot.intakeLastMinute)/min, \(snapshot.intakeToday) today   open cases: \(open)   overdue: \(overdue)   "
                + "escalations (24 h): \(snapshot.escalationsLastDay)   callbacks: \(snapshot.callbacksPending) pending, "
                + "\(snapshot.callbacksDue) due   figures backlog: \(snapshot.figuresBacklog)   unsealed events: \(snapshot.logUnsealed)")
        let states = snapshot.casesByState.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        lines.append("cases: " + (states.isEmpty ? "none open" : states.joined(separator: ", ")))
        lines.append("")

        var queues = TextTable("QUEUE", "AVAILABLE", "SCHEDULED", "RUNNING", "DEAD", "OLDEST WAIT", "DONE/MIN")
        for queue in reading.queues {
            func count(_ state: JobState) -> String { String(queue.counts[state] ?? 0) }
            queues.add([
                queue.queue, count(.available), count(.scheduled), count(.running), count(.dead),
                queue.oldestAvailableAge.map(Self.age) ?? "-", String(queue.completedLastMinute),
            ])
        }
        lines.append(reading.queues.isEmpty ? "queue: empty" : queues.render())
        lines.append("")

        var workers = TextTable("WORKER", "QUEUES", "RUNNING", "UP", "NOW RUNNING")
        for worker in reading.workers {
            let jobs = reading.running.filter { $0.worker == worker.id }
                .map { "\($0.kind) ×\($0.count) (\(Self.age($0.longestSeconds)))" }
            workers.add([
                worker.id, worker.queues.joined(separator: ","), "\(worker.running)/\(worker.concurrency)",
                Self.age(now.timeIntervalSince(worker.startedAt)), jobs.isEmpty ? "idle" : jobs.joined(separator: ", "),
            ])
        }
        lines.append(reading.workers.isEmpty ? "workers: none alive (no worker heard from in 30 s)" : workers.render())
        let orphans = reading.running.filter { job in !reading.workers.contains { $0.id == job.worker } }
        if !orphans.isEmpty {
            lines.append("running under workers not heard from: " + orphans.map { "\($0.kind) ×\($0.count)" }.joined(separator: ", "))
        }
        lines.append("")

        let worst = snapshot.overdueByDepartment.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        if worst.isEmpty {
            lines.append("overdue: none")
        } else {
            var table = TextTable("OVERDUE", "DEPARTMENT", "CHANGE")
            for (code, count) in worst.prefix(departmentLimit) {
                let change = previous.map { count - ($0.snapshot.overdueByDepartment[code] ?? 0) }
                table.add([String(count), "\(code) \(departmentNames[code] ?? "")", change.map { $0 == 0 ? "" : String(format: "%+d", $0) } ?? ""])
            }
            lines.append(table.render())
            if worst.count > departmentLimit { lines.append("… and \(worst.count - departmentLimit) more departments") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The line that says where the figures were read: "read from a standby: caught up", or
    /// "read from a standby: as of 2026-12-03 08:40:11 +08:00, 4 s behind (12 kB of WAL)".
    static func describe(_ lag: ReplicaLag, in timeZone: TimeZone) -> String {
        lag.isStandby ? "read from a standby: " + lag.summary(in: timeZone) : "read from a second primary (not a standby): no lag"
    }

    /// A frame's top line when the database did not answer: the last frame stays below it.
    static func reconnecting(_ error: any Error, attempt: Int, at now: Date, in timeZone: TimeZone) -> String {
        "civicq top — \(Presentation.local(now, in: timeZone, seconds: true)) — the database did not answer; "
            + "reconnecting (try \(attempt); \(CommandFailure.describe(error).1)); the figures below are from before"
    }

    /// 42 s, 3 m 10 s, 2 h 5 m, 3 d 4 h.
    static func age(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        switch s {
        case ..<60: return "\(s) s"
        case ..<3600: return "\(s / 60) m \(s % 60) s"
        case ..<86_400: return "\(s / 3600) h \(s % 3600 / 60) m"
        default: return "\(s / 86_400) d \(s % 86_400 / 3600) h"
        }
    }
}
