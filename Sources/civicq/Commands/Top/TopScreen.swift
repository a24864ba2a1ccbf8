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
    /// The installation's reporting time zone (every time on the screen is in it) and the
    /// reader's language.
    let audience: Audience

    var timeZone: TimeZone { audience.timeZone }

    /// One frame. `lag`: how far the read server is behind (nil: reading the primary).
    func render(_ reading: OperationsReading, previous: OperationsReading?, lag: ReplicaLag? = nil, at now: Date) -> String {
        let snapshot = reading.snapshot
        let say = audience.say
        let zh = audience.language == .zhCN
        var lines: [String] = []
        let readIn = Int((reading.seconds * 1000).rounded())
        lines.append(
            "civicq top — \(database) — \(Presentation.local(now, in: timeZone, seconds: true))   "
                + say("(read in \(readIn) ms; Ctrl-C stops)", "（读取用时 \(readIn) 毫秒；Ctrl-C 退出）"))
        if let lag { lines.append(Self.describe(lag, for: audience)) }
        let open = snapshot.casesByState.values.reduce(0, +)
        let overdue = snapshot.overdueByDepartment.values.reduce(0, +)
        lines.append(zh
            ? "受理：\(snapshot.intakeLastMinute)/分钟，今天 \(snapshot.intakeToday)   未结案件：\(open)   超期：\(overdue)   "
                + "督办（24 小时）：\(snapshot.escalationsLastDay)   回访：待回访 \(snapshot.callbacksPending)，"
                + "到期 \(snapshot.callbacksDue)   指标待汇总：\(snapshot.figuresBacklog)   未封存事件：\(snapshot.logUnsealed)"
            : "intake: \(snapshot.intakeLastMinute)/min, \(snapshot.intakeToday) today   open cases: \(open)   overdue: \(overdue)   "
                + "escalations (24 h): \(snapshot.escalationsLastDay)   callbacks: \(snapshot.callbacksPending) pending, "
                + "\(snapshot.callbacksDue) due   figures backlog: \(snapshot.figuresBacklog)   unsealed events: \(snapshot.logUnsealed)")
        let states = snapshot.casesByState.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        lines.append(say("cases: ", "案件：") + (states.isEmpty ? say("none open", "没有未结案件") : states.joined(separator: ", ")))
        lines.append("")

        var queues = TextTable(header: zh ? ["队列", "可执行", "计划中", "运行中", "死信", "最长等待", "每分钟完成"]
                                          : ["QUEUE", "AVAILABLE", "SCHEDULED", "RUNNING", "DEAD", "OLDEST WAIT", "DONE/MIN"])
        for queue in reading.queues {
            func count(_ state: JobState) -> String { String(queue.counts[state] ?? 0) }
            queues.add([
                queue.queue, count(.available), count(.scheduled), count(.running), count(.dead),
                queue.oldestAvailableAge.map { Self.age($0, language: audience.language) } ?? "-", String(queue.completedLastMinute),
            ])
        }
        lines.append(reading.queues.isEmpty ? say("queue: empty", "队列：空") : queues.render())
        lines.append("")

        let age = { (seconds: Double) in Self.age(seconds, language: audience.language) }
        var workers = TextTable(header: zh ? ["工作进程", "队列", "运行", "已运行", "正在运行"] : ["WORKER", "QUEUES", "RUNNING", "UP", "NOW RUNNING"])
        for worker in reading.workers {
            let jobs = reading.running.filter { $0.worker == worker.id }
                .map { "\($0.kind) ×\($0.count) (\(age($0.longestSeconds)))" }
            workers.add([
                worker.id, worker.queues.joined(separator: ","), "\(worker.running)/\(worker.concurrency)",
                age(now.timeIntervalSince(worker.startedAt)), jobs.isEmpty ? say("idle", "空闲") : jobs.joined(separator: ", "),
            ])
        }
        lines.append(reading.workers.isEmpty
            ? say("workers: none alive (no worker heard from in 30 s)", "工作进程：没有存活的（30 秒内没有任何工作进程的消息）") : workers.render())
        let orphans = reading.running.filter { job in !reading.workers.contains { $0.id == job.worker } }
        if !orphans.isEmpty {
            lines.append(say("running under workers not heard from: ", "在失去联系的工作进程下运行：")
                + orphans.map { "\($0.kind) ×\($0.count)" }.joined(separator: ", "))
        }
        lines.append("")

        let worst = snapshot.overdueByDepartment.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        if worst.isEmpty {
            lines.append(say("overdue: none", "超期：无"))
        } else {
            var table = TextTable(header: zh ? ["超期", "部门", "变化"] : ["OVERDUE", "DEPARTMENT", "CHANGE"])
            for (code, count) in worst.prefix(departmentLimit) {
                let change = previous.map { count - ($0.snapshot.overdueByDepartment[code] ?? 0) }
                table.add([String(count), "\(code) \(departmentNames[code] ?? "")", change.map { $0 == 0 ? "" : String(format: "%+d", $0) } ?? ""])
            }
            lines.append(table.render())
            if worst.count > departmentLimit {
                lines.append(say("… and \(worst.count - departmentLimit) more departments", "……还有 \(worst.count - departmentLimit) 个部门"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The line that says where the figures were read: "read from a standby: caught up", or
    /// "read from a standby: as of 2026-12-03 08:40:11 +08:00, 4 s behind (12 kB of WAL)".
    static func describe(_ lag: ReplicaLag, for audience: Audience) -> String {
        lag.isStandby ? audience.say("read from a standby: ", "读自热备库：") + lag.summary(in: audience.timeZone, language: audience.language)
            : audience.say("read from a second primary (not a standby): no lag", "读自另一个主库（不是热备库）：没有延迟")
    }

    /// A frame's top line when the database did not answer: the last frame stays below it.
    static func reconnecting(_ error: any Error, attempt: Int, at now: Date, for audience: Audience) -> String {
        let cause = Refusals.say(CommandFailure.describe(error).1, in: audience.language)
        return "civicq top — \(Presentation.local(now, in: audience.timeZone, seconds: true)) — " + audience.say(
            "the database did not answer; reconnecting (try \(attempt); \(cause)); the figures below are from before",
            "数据库没有应答；正在重新连接（第 \(attempt) 次；\(cause)）；下面的数字是之前的")
    }

    /// 42 s, 3 m 10 s, 2 h 5 m, 3 d 4 h.
    static func age(_ seconds: Double, language: Language = .en) -> String {
        let s = Int(max(0, seconds))
        let (sec, min, hour, day) = language == .zhCN ? (" 秒", " 分", " 时", " 天") : (" s", " m", " h", " d")
        switch s {
        case ..<60: return "\(s)\(sec)"
        case ..<3600: return "\(s / 60)\(min) \(s % 60)\(sec)"
        case ..<86_400: return "\(s / 3600)\(hour) \(s % 3600 / 60)\(min)"
        default: return "\(s / 86_400)\(day) \(s % 86_400 / 3600)\(hour)"
        }
    }
}
