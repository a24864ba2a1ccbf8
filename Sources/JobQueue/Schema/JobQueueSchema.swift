import Foundation
public import Postgres

/// The job queue's own storage: its migrations (bundled from `Schema/sql`) and the names its
/// SQL and Swift share.
///
/// The migrations share one numbered sequence with the application that embeds the queue (a
/// single `schema_migrations` table per schema): the queue's are 002 (`jobs`, throughput,
/// history), 019 (`jobs_enqueue`, the one way into `jobs`) and 021 (`jobs_enqueue_new`, the
/// same without the unique-key arbiter, for keys made from ids just created; both built from
/// `job_rows` and `jobs_wake`). An application hands them to the same ``PostgresMigrator`` as
/// its own, which applies them in version order; a schema with only these is a working queue.
public enum JobQueueSchema {
    /// The queue's migrations, by ascending version.
    /// - Throws: ``PostgresError`` if the bundle is missing or a file is misnamed.
    public static func migrations() throws -> [PostgresMigration] {
        try PostgresMigration.load(directory: Bundle.module.url(forResource: "sql", withExtension: nil))
    }

    /// A migrator for the queue alone, into `schema`.
    public static func migrator(schema: String) throws -> PostgresMigrator {
        try PostgresMigrator(schema: schema, migrations: migrations())
    }

    /// The NOTIFY channel workers of `schema` listen on: `<schema>.jobs`, its first 63
    /// characters (PostgreSQL's limit for a name). The SQL side is `job_channel()` (migration
    /// 019); a test checks that the two agree.
    public static func channel(schema: String) -> String {
        String((schema + ".jobs").prefix(63))
    }
}
