import ArgumentParser

/// The subcommands named at the start of a command line, as ArgumentParser would read them:
/// what the typo check (``CommandTypo``) and the help with examples (``HelpExamples``) both
/// walk.
enum CommandPath {
    /// Follows `words` down from `root` while each names a subcommand (by name or alias).
    /// The command reached, the canonical names on the way, and the index of the first word
    /// that named none (`words.count` when every one did).
    static func walk(_ words: [String], from root: any ParsableCommand.Type)
        -> (command: any ParsableCommand.Type, path: [String], stop: Int)
    {
        var command = root
        var path: [String] = []
        for (index, word) in words.enumerated() {
            guard let next = command.configuration.subcommands.first(where: { names(of: $0).contains(word) }) else {
                return (command, path, index)
            }
            command = next
            path.append(next._commandName)
        }
        return (command, path, words.count)
    }

    static func names(of command: any ParsableCommand.Type) -> [String] {
        [command._commandName] + command.configuration.aliases
    }
}
