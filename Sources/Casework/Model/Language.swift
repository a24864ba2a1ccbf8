/// The languages civicq speaks to people: the dashboard, the HTML reports, and the headers and
/// sentences of the CLI. Error codes, JSON field names, metric names and the codes of states,
/// departments and categories are the same in every language.
///
/// An installation chooses one (`language:` in the calendar file, stored as the setting
/// `reporting.language`; English when unset); a person overrides it with `--lang`, or with
/// `LC_ALL`, `LC_MESSAGES` or `LANG` naming Chinese or English (`C` and `POSIX` name neither).
public enum Language: String, Sendable, CaseIterable, Codable {
    case en
    case zhCN = "zh-CN"

    /// From a language tag or a locale name: `zh`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans` are
    /// Chinese; `en`, `en_US.UTF-8` English; anything else (`C`, `POSIX`, `fr_FR`) nil.
    public init?(tag: String) {
        let base = tag.split(whereSeparator: { "_-.@".contains($0) }).first.map { $0.lowercased() } ?? ""
        switch base {
        case "zh": self = .zhCN
        case "en": self = .en
        default: return nil
        }
    }

    /// The language the locale variables name, in POSIX order (`LC_ALL`, `LC_MESSAGES`,
    /// `LANG`): the first that is set decides; nil when it names neither language.
    public static func fromEnvironment(_ environment: [String: String]) -> Language? {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty { return Language(tag: value) }
        }
        return nil
    }

    /// The text in this language: `en` or `zh`.
    public func pick(_ en: String, _ zh: String) -> String { self == .zhCN ? zh : en }
}
