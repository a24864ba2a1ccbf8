import ArgumentParser
import Casework
import Foundation
import Postgres

/// Options of the commands people use on cases.
struct CaseworkOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "Act as this login (SET ROLE; only for admins and the demo).")
    var actAs: String?

    func validate() throws {
        if let actAs, actAs.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) == nil {
            throw ValidationError("--as must be a login name")
        }
    }

    /// Runs `body` on one connection as the caller (or `--as` login), with the casework store.
    /// `reading`: on the read server when one is named (lists that write nothing). The
    /// installation's language is read first, so that a refusal speaks it (``Spoken``).
    func run<R: Sendable>(
        _ global: GlobalOptions, reading: Bool = false, _ body: @escaping @Sendable (PostgresConnection, CaseworkStore) throws -> R
    ) async throws -> R {
        try await read(global, reading: reading) { connection, store, _ in try body(connection, store) }.0
    }

    /// Like `run`, for what people read: `body` gets the ``Audience`` (the installation's
    /// reporting time zone and language, `--lang` or the locale over the language), which is
    /// returned with its result for printing.
    func read<R: Sendable>(
        _ global: GlobalOptions, reading: Bool = false,
        _ body: @escaping @Sendable (PostgresConnection, CaseworkStore, Audience) throws -> R
    ) async throws -> (R, Audience) {
        try await global.withAudience(reading: reading) { [actAs] connection, store, audience in
            if let actAs { try Self.setRole(actAs, on: connection) }
            defer { if actAs != nil { _ = try? connection.execute("RESET ROLE") } }
            return try body(connection, store, audience)
        }
    }
}

extension CaseworkOptions {
    /// `SET ROLE`, with a login that does not exist named as such (exit 67), not as the
    /// server's "invalid parameter value".
    static func setRole(_ login: String, on connection: PostgresConnection) throws {
        do {
            try connection.execute("SET ROLE \(identifier: login)")
        } catch let error as PostgresError where error.sqlState?.rawValue == "22023" {
            throw CaseworkError(.notAUser, "there is no login \(login): --as names a civicq user (civicq users list)")
        }
    }
}

/// Reads a file named on the command line (`-` for standard input).
enum InputFile {
    static func read(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CaseworkError(.notFound, "cannot read \(path)")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CaseworkError(.badInput, "\(path) is not UTF-8 text")
        }
        return text
    }
}
