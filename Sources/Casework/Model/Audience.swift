public import Foundation

/// Who reads what civicq prints: the installation's reporting time zone (every time shown
/// is in it, with its offset) and the language chosen for them.
public struct Audience: Sendable, Equatable {
    public var timeZone: TimeZone
    public var language: Language

    public init(timeZone: TimeZone, language: Language) {
        self.timeZone = timeZone
        self.language = language
    }

    /// "2026-12-02 14:05 +08:00".
    public func time(_ date: Date, seconds: Bool = false) -> String { Presentation.local(date, in: timeZone, seconds: seconds) }

    /// A deadline: the end of a day as 24:00 of it.
    public func deadline(_ date: Date) -> String { Presentation.deadline(date, in: timeZone) }

    /// The text in the reader's language.
    public func say(_ en: String, _ zh: String) -> String { language.pick(en, zh) }
}
