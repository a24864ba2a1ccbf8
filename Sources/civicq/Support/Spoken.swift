import Casework
import Synchronization

/// The language civicq's sentences are printed in, for the parts that have no ``Audience``
/// at hand: help, refusals and errors. It starts as `--lang` or the locale says; a command
/// that reads the installation's setting (``CaseworkOptions/read(_:reading:_:)``) records
/// the language it chose, so that a refusal after it speaks the same language.
enum Spoken {
    private static let chosen = Mutex<Language?>(nil)

    /// The language chosen so far; English when nothing chose one.
    static var current: Language { chosen.withLock { $0 } ?? .en }

    static func choose(_ language: Language) { chosen.withLock { $0 = language } }

    /// The text in the language chosen so far.
    static func say(_ en: String, _ zh: String) -> String { current.pick(en, zh) }

    /// The language `--lang` names on the command line (`--lang zh-CN` or `--lang=zh-CN`),
    /// else the one the locale variables name; nil when neither names one.
    static func language(arguments: [String], environment: [String: String]) -> Language? {
        for (index, word) in arguments.enumerated() {
            if word == "--lang", index + 1 < arguments.count, let language = Language(tag: arguments[index + 1]) { return language }
            if word.hasPrefix("--lang="), let language = Language(tag: String(word.dropFirst(7))) { return language }
        }
        return Language.fromEnvironment(environment)
    }
}
