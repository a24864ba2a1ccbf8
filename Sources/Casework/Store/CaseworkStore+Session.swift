public import Postgres

extension CaseworkStore {
    /// The settings of every session civicq opens on `schema` (its commands, `civicq serve`,
    /// `civicq worker`, and the benches' connections that stand for them). civicq's tables and
    /// functions are found through the search path. JIT compilation is off: civicq's
    /// statements are short, and the server compiles by a plan's estimated cost, which can be
    /// far off while a table grows faster than it is analyzed — routing's read of a batch of
    /// 500 cases paid 13 ms a call of compiling against 5 of running in `civicq-bench route`
    /// (docs/postgres.md). `schema` nil: the server's search path, for SQL that names the
    /// schema itself (the benches' own statements).
    public static func sessionOptions(schema: String?, applicationName: String? = nil) -> PostgresConfiguration.Options {
        .init(searchPath: schema.map { [$0] }, fallbackApplicationName: applicationName, jit: false)
    }
}
