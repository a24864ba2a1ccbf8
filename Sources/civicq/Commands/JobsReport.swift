import Casework
import Foundation
import JobQueue

/// Text and JSON renderings of queue figures.
enum JobsReport {
    static func table(_ stats: [QueueStats], language: Language = .en) -> String {
        guard !stats.isEmpty else { return language.pick("no jobs", "没有任务") }
        if language == .zhCN {
            var table = TextTable("队列", "计划中", "可执行", "运行中", "死信", "已取消", "最长等待", "本分钟完成", "上分钟完成", "上分钟失败", "上分钟死信")
            for queue in stats {
                let counts = [JobState.scheduled, .available, .running, .dead, .cancelled].map { String(queue.counts[$0] ?? 0) }
                table.add([queue.queue] + counts + [queue.oldestAvailableAge.map { String(format: "%.1f 秒", $0) } ?? "-",
                    String(queue.completedThisMinute), String(queue.completedLastMinute), String(queue.failedLastMinute), String(queue.deadLastMinute)])
            }
            return table.render()
        }
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

    static func table(_ dead: [DeadJob], for audience: Audience) -> String {
        let timeZone = audience.timeZone
        guard !dead.isEmpty else { return audience.say("no dead jobs", "没有死信任务") }
        if audience.language == .zhCN {
            var table = TextTable("编号", "类型", "队列", "尝试次数", "死信时间", "最后的错误")
            table.maxCellWidth = 80
            for job in dead {
                table.add([String(job.id), job.kind, job.queue, String(job.attempt), job.finishedAt.map { audience.time($0) } ?? "-",
                           String((job.lastError ?? "").prefix(80))])
            }
            return table.render()
        }
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
