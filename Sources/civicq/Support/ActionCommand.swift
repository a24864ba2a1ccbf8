import ArgumentParser
import Casework
import Postgres

/// One action a person takes on a case or a request: its own arguments, what it asks of the
/// store, and the sentence that reports the result.
///
/// The action runs on one connection as the caller (or the `--as` login); the database decides
/// whether they may. `ActionCommand` supplies the connection options, the error handling and
/// the printing, so an action is only what differs.
protocol CaseworkAction: ParsableArguments, Sendable {
    /// The subcommand's name and help. It must name the command: the generic
    /// `ActionCommand` has no name of its own to derive one from.
    static var configuration: CommandConfiguration { get }

    /// Performs the action and says what happened, in one sentence, for `audience` (its
    /// language; a time typed is read in its time zone).
    func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String
}

/// The command that runs one `CaseworkAction`: `civicq case accept 42`, `civicq extensions
/// approve 7`, `civicq callback record 42 ...` are each an `ActionCommand` of their action.
struct ActionCommand<Action: CaseworkAction>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { Action.configuration }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var casework: CaseworkOptions
    @OptionGroup var action: Action

    func run() async throws {
        try await CommandFailure.guarding {
            let action = self.action
            print(try await casework.read(global) { try action.perform(on: $0, store: $1, for: $2) }.0)
        }
    }
}
