public import Foundation

/// How people see deadlines: relative times. (Names and phones are masked by the database,
/// `mask_name`/`mask_phone` in migration 006, since handlers may not read them unmasked.)
public enum Presentation {
    /// "due in 3 h", "overdue 2 d", "due in 40 min" (in Chinese "3 小时后到期", "已超期 2 天").
    public static func relative(due: Date, now: Date = Date(), language: Language = .en) -> String {
        let seconds = due.timeIntervalSince(now)
        let amount = span(abs(seconds), language: language)
        switch (language, seconds >= 0) {
        case (.en, true): return "due in \(amount)"
        case (.en, false): return "overdue \(amount)"
        case (.zhCN, true): return "\(amount)后到期"
        case (.zhCN, false): return "已超期 \(amount)"
        }
    }

    /// "40 min", "3 h", "2 d": minutes under an hour, hours under two days, else days.
    public static func span(_ seconds: TimeInterval, language: Language = .en) -> String {
        let (minute, hour, day) = language == .zhCN ? (" 分钟", " 小时", " 天") : (" min", " h", " d")
        if seconds < 3600 { return "\(max(1, Int((seconds / 60).rounded(.up))))" + minute }
        if seconds < 48 * 3600 { return "\(Int(seconds / 3600))" + hour }
        return "\(Int(seconds / 86_400))" + day
    }

    /// A count with thousands separated: "2,064".
    public static func grouped(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (count < 0 ? "-" : "") + out
    }

    /// A time as a person reads it: in the installation's reporting time zone, with its
    /// offset, to the minute: "2026-12-02 14:05 +08:00" (with `seconds`, "2026-12-02 14:05:09 +08:00").
    public static func local(_ date: Date, in timeZone: TimeZone, seconds: Bool = false) -> String {
        text(components(date, in: timeZone), offset: timeZone.secondsFromGMT(for: date), seconds: seconds)
    }

    /// A deadline as a person reads it: like ``local(_:in:seconds:)``, except that the end of
    /// a day (local midnight) is written as 24:00 of that day, "2026-12-08 24:00 +08:00", so
    /// that "until 2026-12-08" reads back as 8 December.
    public static func deadline(_ date: Date, in timeZone: TimeZone) -> String {
        let time = components(date, in: timeZone)
        guard time.hour == 0, time.minute == 0, time.second == 0 else { return local(date, in: timeZone) }
        var dayBefore = components(date.addingTimeInterval(-1), in: timeZone)
        (dayBefore.hour, dayBefore.minute) = (24, 0)
        return text(dayBefore, offset: timeZone.secondsFromGMT(for: date), seconds: false)
    }

    private static func components(_ date: Date, in timeZone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    /// "2026-12-02 14:05 +08:00" from the components and the offset in seconds.
    private static func text(_ c: DateComponents, offset seconds: Int, seconds withSeconds: Bool) -> String {
        let offset = seconds / 60
        let sign = offset < 0 ? "-" : "+"
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(c.year ?? 0)-\(two(c.month ?? 0))-\(two(c.day ?? 0)) \(two(c.hour ?? 0)):\(two(c.minute ?? 0))"
            + (withSeconds ? ":\(two(c.second ?? 0))" : "") + " \(sign)\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
    }
}
