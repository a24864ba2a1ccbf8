public import Foundation

/// How people see deadlines: relative times. (Names and phones are masked by the database,
/// `mask_name`/`mask_phone` in migration 006, since handlers may not read them unmasked.)
public enum Presentation {
    /// "due in 3 h", "overdue 2 d", "due in 40 min".
    public static func relative(due: Date, now: Date = Date()) -> String {
        let seconds = due.timeIntervalSince(now)
        let amount = span(abs(seconds))
        return seconds >= 0 ? "due in \(amount)" : "overdue \(amount)"
    }

    /// "40 min", "3 h", "2 d": minutes under an hour, hours under two days, else days.
    public static func span(_ seconds: TimeInterval) -> String {
        if seconds < 3600 { return "\(max(1, Int((seconds / 60).rounded(.up)))) min" }
        if seconds < 48 * 3600 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 86_400)) d"
    }
}
