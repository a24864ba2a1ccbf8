import ArgumentParser

/// A subcommand that does not exist, caught before ArgumentParser reads the rest of the line
/// as the parent's options ("Unknown option '--as'" for `civicq case acept 3 --as x`): the
/// sentence names the word and the nearest command.
struct CommandTypo: Equatable {
    /// The commands read so far, the word that is not one of theirs, and the nearest name.
    let path: [String]
    let word: String
    let suggestion: String?

    var sentence: String {
        let parent = (["civicq"] + path).joined(separator: " ")
        return "'\(word)' is not a command of \(parent)" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (\(parent) --help lists them)"
    }

    /// The first word that names no subcommand where one is expected, or nil.
    static func find(in arguments: [String], root: any ParsableCommand.Type) -> CommandTypo? {
        let (command, path, stop) = CommandPath.walk(arguments, from: root)
        guard stop < arguments.count else { return nil }
        let word = arguments[stop]
        let subcommands = command.configuration.subcommands
        if word.hasPrefix("-") || word == "help" || subcommands.isEmpty || command.configuration.defaultSubcommand != nil { return nil }
        return CommandTypo(path: path, word: word, suggestion: nearest(word, in: subcommands.flatMap(CommandPath.names(of:))))
    }

    /// The candidate within two edits (or the one the word begins), if exactly one is nearest.
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word, $0)) }.filter { $0.1 <= 2 }.sorted { $0.1 < $1.1 }
        if let best = scored.first, scored.filter({ $0.1 == best.1 }).count == 1 { return best.0 }
        let prefixed = candidates.filter { $0.hasPrefix(word) && word.count >= 2 }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Levenshtein distance, with a swap of two neighbours counted as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
