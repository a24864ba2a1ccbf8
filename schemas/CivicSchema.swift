public import Foundation
public import Postgres
import JobQueue

/// civicq's database schema and documents: the migrations in `schemas/sql`, the JSON Schemas
/// in `schemas/json` and the API description `schemas/openapi.yaml`, bundled with the program.
public enum CivicSchema {
    /// The PostgreSQL schema civicq uses unless configured otherwise.
    public static let defaultSchemaName = "civicq"

    /// Every migration, by ascending version: the job queue's own (``JobQueueSchema``, which
    /// owns `jobs`) and civicq's in `schemas/sql`, in one sequence.
    /// - Throws: ``PostgresError`` if a bundle is missing or a file is misnamed.
    public static func migrations() throws -> [PostgresMigration] {
        let own = try PostgresMigration.load(directory: Bundle.module.url(forResource: "sql", withExtension: nil))
        return (try JobQueueSchema.migrations() + own).sorted { $0.version < $1.version }
    }

    /// A migrator for civicq's migrations into `schema`, owned by ``ownerRole(schema:)`` and
    /// making the group roles ``staffRole(schema:)`` and ``serviceRole(schema:)``.
    public static func migrator(schema: String = defaultSchemaName) throws -> PostgresMigrator {
        try PostgresMigrator(
            schema: schema, migrations: migrations(), owner: ownerRole(schema: schema),
            groupRoles: [staffRole(schema: schema), serviceRole(schema: schema)])
    }

    /// The role that owns the schema and everything in it; it cannot log in. Administrators
    /// who run `civicq migrate` are its members.
    public static func ownerRole(schema: String) -> String { schema + "_owner" }

    /// The group role of the people (handlers, the desk, callback agents): read grants under
    /// row-level security, and EXECUTE on the functions that change cases.
    public static func staffRole(schema: String) -> String { schema + "_staff" }

    /// The group role of `civicq serve`, `civicq worker` and `civicq import`: row grants only
    /// (migration 016), never ownership.
    public static func serviceRole(schema: String) -> String { schema + "_service" }

    /// The three roles of a schema, for cleanup and checks.
    public static func roles(schema: String) -> [String] {
        [staffRole(schema: schema), serviceRole(schema: schema), ownerRole(schema: schema)]
    }

    /// A JSON Schema from `schemas/json`, such as `case.schema.json`.
    public static func jsonSchema(named name: String) throws -> Data {
        try bundled("json/" + name)
    }

    /// The HTTP API's description, `schemas/openapi.yaml`.
    public static func openAPI() throws -> Data {
        try bundled("openapi.yaml")
    }

    private static func bundled(_ path: String) throws -> Data {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent(path),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw PostgresError(code: .invalidConfiguration, reason: "the bundled document \(path) is missing")
        }
        return data
    }
}
