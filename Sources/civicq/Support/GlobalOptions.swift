import ArgumentParser
import Casework
import Foundation
import Logging
import Postgres

/// Options every command that talks to the database takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "A libpq URI or conninfo string. Default: DATABASE_URL, else the PG* variables.")
    var databaseURL: String?

    @Option(
        name: .customLong("read-database-url"),
        help: "A hot standby for reads (stats, top, case list, the dashboard). Default: CIVICQ_READ_DATABASE_URL, else the primary.")
    var readDatabaseURL: String?

    @Option(help: "The PostgreSQL schema that holds civicq's tables. Default: CIVICQ_SCHEMA, else civicq.")
    var schema: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Default: LOG_LEVEL, else warning.")
    var logLevel: String?

    @Option(help: "The language of what civicq prints for people: zh-CN or en. Default: LC_ALL, LC_MESSAGES or LANG when they name one, else the installation's (language: in the calendar file).")
    var lang: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var schemaName: String { schema ?? environment["CIVICQ_SCHEMA"] ?? "civicq" }

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if schemaName.isEmpty { throw ValidationError("--schema must not be empty") }
        if let lang, Language(tag: lang) == nil { throw ValidationError("--lang must be zh-CN or en") }
    }

    /// The language a person asked for (`--lang`, else the locale variables), or nil: the
    /// installation's then.
    var languageOverride: Language? { lang.flatMap(Language.init(tag:)) ?? Language.fromEnvironment(environment) }

    /// A logger writing to standard error at the chosen level.
    func makeLogger(label: String = "civicq") -> Logger {
        let level = (logLevel ?? environment["LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .warning
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }

    /// Every civicq session's settings (``CaseworkStore/sessionOptions(schema:applicationName:)``).
    var sessionOptions: PostgresConfiguration.Options {
        CaseworkStore.sessionOptions(schema: schemaName, applicationName: "civicq")
    }

    /// The connection settings: `--database-url`, else `DATABASE_URL`, else libpq's `PG*` defaults.
    func connectionConfiguration() throws -> PostgresConfiguration {
        let options = sessionOptions
        if let databaseURL { return try PostgresConfiguration(conninfo: databaseURL, options: options) }
        return try PostgresConfiguration.fromEnvironment(environment, options: options)
    }

    /// The settings of the server that answers reads: `--read-database-url`, else
    /// `CIVICQ_READ_DATABASE_URL`; nil when neither is set (reads go to the primary).
    func readConnectionConfiguration() throws -> PostgresConfiguration? {
        guard let url = readDatabaseURL ?? environment["CIVICQ_READ_DATABASE_URL"], !url.isEmpty else { return nil }
        return try PostgresConfiguration(conninfo: url, options: sessionOptions)
    }

    /// Runs `body` with a small pool, closing it afterwards. `reading`: on the read server
    /// when one is named (only for what writes nothing). Without `--lang` or a locale that
    /// names one, the installation's language is read first (when there is one yet), for what
    /// the command prints and its refusals (``Spoken``).
    func withClient<R>(size: Int = 1, reading: Bool = false, readsLanguage: Bool = true, _ body: (PostgresClient, Logger) async throws -> R) async throws -> R {
        let logger = makeLogger()
        let connection = try (reading ? readConnectionConfiguration() : nil) ?? connectionConfiguration()
        let client = PostgresClient(configuration: .init(connection: connection, size: size, name: reading ? "civicq-read" : "civicq-db"), logger: logger)
        do {
            if languageOverride == nil, readsLanguage { _ = try await audience(client) }
            let value = try await body(client, logger)
            await client.close()
            return value
        } catch {
            await client.close()
            throw error
        }
    }
}
