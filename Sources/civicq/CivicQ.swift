import ArgumentParser

/// The `civicq` command: one executable for every role (operator, worker, handler).
@main
struct CivicQ: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civicq",
        abstract: "A civic-complaint queue worker on PostgreSQL.",
        discussion: """
            Connects to PostgreSQL through libpq: --database-url, else DATABASE_URL, else the
            PG* variables (PGHOST, PGPORT, PGUSER, PGDATABASE, ...), as psql does.
            Exit codes: 0 success, 64 usage, 65 bad data, 69 database unavailable,
            70 internal error, 75 temporary failure (try again), 77 permission denied,
            78 configuration error.
            """,
        version: CivicQVersion.current,
        subcommands: [MigrateCommand.self, DoctorCommand.self, WorkerCommand.self, JobsCommand.self]
    )
}

enum CivicQVersion {
    static let current = "0.1.0"
}
