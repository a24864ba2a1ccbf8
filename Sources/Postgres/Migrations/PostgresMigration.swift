public import Foundation

/// One schema migration: a numbered SQL script. Value type; any thread.
public struct PostgresMigration: Sendable, Equatable {
    /// Its number; migrations apply in ascending order.
    public let version: Int
    /// Its name, e.g. `foundation` for `001_foundation.sql`.
    public let name: String
    /// The SQL script (several statements, no parameters).
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads `NNN_name.sql` into a version and a name.
    /// - Throws: ``PostgresError`` (`invalidConfiguration`) for any other file name.
    public init(fileName: String, sql: String) throws {
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_"),
            let version = Int(fileName[..<underscore]), version > 0
        else {
            throw PostgresError.invalidConfiguration("migration file \"\(fileName)\" is not named NNN_name.sql")
        }
        let name = fileName[fileName.index(after: underscore)...].dropLast(4)
        guard !name.isEmpty else {
            throw PostgresError.invalidConfiguration("migration file \"\(fileName)\" has no name after its number")
        }
        self.init(version: version, name: String(name), sql: sql)
    }

    /// Every `NNN_name.sql` file of a directory (a module's bundled resources), by ascending
    /// version.
    /// - Throws: ``PostgresError`` (`invalidConfiguration`) if the directory is missing or a
    ///   file is misnamed.
    public static func load(directory: URL?) throws -> [PostgresMigration] {
        guard let directory else {
            throw PostgresError.invalidConfiguration("the bundled migrations (sql/) are missing")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        return try files.map { file in
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return try PostgresMigration(fileName: file, sql: sql)
        }
    }
}

/// Where one migration stands in a database. Value type; any thread.
public struct PostgresMigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Applied, and the script is unchanged since.
        case applied
        /// Not applied yet.
        case pending
        /// Applied, but the script has changed since: a mistake to fix, not to re-run.
        case changed
        /// Applied in the database, but unknown to this program (a newer version applied it).
        case unknown
    }

    public let version: Int
    public let name: String
    public let state: State
    /// When it was applied, for applied, changed and unknown migrations.
    public let appliedAt: Date?
}
