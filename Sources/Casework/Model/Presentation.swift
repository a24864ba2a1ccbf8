public import Foundation

/// How people see personal data and deadlines: masked names and phones, relative times.
public enum Presentation {
    /// 张三 → 张*, 欧阳娜娜 → 欧***: the first character and one star per other character.
    public static func maskName(_ name: String?) -> String {
        guard let name, let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: name.count - 1)
    }

    /// 13812345678 → 138****5678; shorter numbers keep only their last two digits.
    public static func maskPhone(_ phone: String?) -> String {
        guard let phone, !phone.isEmpty else { return "" }
        let characters = Array(phone)
        if characters.count >= 11 {
            return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
        }
        return String(repeating: "*", count: max(0, characters.count - 2)) + String(characters.suffix(2))
    }

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
