import ArgumentParser
import CivicHTTP
import Foundation
import Hummingbird
import Logging
import Postgres
import ServiceLifecycle

/// `civicq serve`: the HTTP server (intake API, Open311, health) until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the intake API (/v1), Open311 (/open311/v2) and health checks until SIGTERM or SIGINT.",
        discussion: """
            On SIGTERM or SIGINT the server stops accepting connections, finishes the requests in
            flight, closes its database pool and exits 0. Intake systems need an API key
            (civicq keys create). /healthz says the process is up; /readyz that the database
            answers and is migrated.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Database connections in the server's pool.")
    var poolSize = 8

    @Option(help: "Transactions storing single submissions at once (group commit); below --pool-size.")
    var submitFlushers = 2

    @Option(help: "Open311 jurisdiction_id to answer for (default: any).")
    var jurisdiction: String?

    @Option(help: "Area code for Open311 requests that name none (routing sends them to a backstop or the desk).")
    var defaultArea = "00"

    @Option(help: "Invalid API keys one client address may send a minute before it gets 429 for the rest of it.")
    var authFailuresPerMinute = 20

    @Option(help: "Seconds a connection may take to send a request's head (and stay idle between requests).")
    var headerTimeout = 30

    @Option(help: "Seconds a request's body may take to arrive (then 408 and the connection closed).")
    var bodyTimeout = 60

    func validate() throws {
        guard authFailuresPerMinute >= 1 else { throw ValidationError("--auth-failures-per-minute must be at least 1") }
        guard headerTimeout >= 1, bodyTimeout >= 1 else { throw ValidationError("--header-timeout and --body-timeout must be at least 1 second") }
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
        guard (1...100).contains(poolSize) else { throw ValidationError("--pool-size must be from 1 to 100") }
        guard (1..<poolSize).contains(submitFlushers) || poolSize == 1 && submitFlushers == 1 else {
            throw ValidationError("--submit-flushers must be at least 1 and below --pool-size")
        }
        guard defaultArea.count >= 2, defaultArea.count <= 15, defaultArea.allSatisfy(\.isNumber) else {
            throw ValidationError("--default-area must be 2 to 15 digits")
        }
    }

    func run() async throws {
        try await CommandFailure.guarding {
            var logger = global.makeLogger(label: "civicq.serve")
            if global.logLevel == nil, global.environment["LOG_LEVEL"] == nil { logger.logLevel = .info }
            let client = PostgresClient(
                configuration: .init(connection: try global.connectionConfiguration(), size: poolSize, name: "civicq-http"), logger: logger)
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.submitFlushers = submitFlushers
            configuration.open311.jurisdiction = jurisdiction
            configuration.open311.defaultArea = defaultArea
            configuration.authFailuresPerMinute = authFailuresPerMinute
            configuration.headerTimeout = .seconds(headerTimeout)
            configuration.bodyTimeout = .seconds(bodyTimeout)
            // The dashboard reads on a hot standby when one is named; intake, /v1 and /metrics
            // stay on the primary.
            let readClient = try global.readConnectionConfiguration().map {
                PostgresClient(configuration: .init(connection: $0, size: 2, name: "civicq-read"), logger: logger)
            }
            let server = try IntakeServer(
                configuration: configuration, client: client, readClient: readClient, schema: global.schemaName, logger: logger)
            logger.info("serving", metadata: ["host": "\(host)", "port": "\(port)", "reads": "\(readClient == nil ? "primary" : "standby")"])
            try await global.runUntilSignalled(
                pool: client, helpers: readClient.map { [$0] } ?? [], main: try server.application(), logger: logger)
        }
    }
}
