import Casework
import Foundation
import JobQueue

/// Text and JSON renderings of queue figures.
enum JobsReport {
    static func table(_ stats: [QueueStats]) -> String {
        guard !stats.isEmpty else { return "no jobs" }
        var lines = ["queue            scheduled  available  running     dead  cancelled  oldest wait   done (this min, last min)  failed  dead (last min)"]
        for queue in stats {
            func count(_ state: JobState) -> String { String(queue.counts[state] ?? 0) }
            let wait = queue.oldestAvailableAge.map { String(format: "%.1f s", $0) } ?? "-"
            lines.append(
                [pad(queue.queue, 16), lpad(count(.scheduled), 9), lpad(count(.available), 10), lpad(count(.running), 8),
                 lpad(count(.dead), 8), lpad(count(.cancelled), 10), lpad(wait, 12),
                 lpad(String(queue.completedThisMinute), 16), lpad(String(queue.completedLastMinute), 10),
                 lpad(String(queue.failedLastMinute), 7), lpad(String(queue.deadLastMinute), 5)].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ stats: [QueueStats]) -> String {
        encode(stats.map { queue -> [String: Any] in
            var counts: [String: Int] = [:]
            for state in JobState.allCases { counts[state.rawValue] = queue.counts[state] ?? 0 }
            var item: [String: Any] = [
                "queue": queue.queue, "counts": counts, "completed_last_minute": queue.completedLastMinute,
                "completed_this_minute": queue.completedThisMinute,
                "failed_last_minute": queue.failedLastMinute, "dead_last_minute": queue.deadLastMinute,
            ]
            if let age = queue.oldestAvailableAge { item["oldest_available_seconds"] = age }
            return item
        })
    }

    static func table(_ dead: [DeadJob], timeZone: TimeZone) -> String {
        guard !dead.isEmpty else { return "no dead jobs" }
        var lines = ["id          kind                     queue        attempts  died                     last error"]
        for job in dead {
            lines.append(
                [lpad(String(job.id), 10), pad(job.kind, 24), pad(job.queue, 12), lpad(String(job.attempt), 8),
                 pad(job.finishedAt.map { Presentation.local($0, in: timeZone) } ?? "-", 24), String((job.lastError ?? "").prefix(80))]
                    .joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ dead: [DeadJob]) -> String {
        encode(dead.map { job -> [String: Any] in
            var item: [String: Any] = ["id": job.id, "kind": job.kind, "queue": job.queue, "attempt": job.attempt]
            if let error = job.lastError { item["last_error"] = error }
            if let at = job.finishedAt { item["finished_at"] = at.formatted(.iso8601) }
            return item
        })
    }

    private static func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
    private static func lpad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

    private static func encode(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
