public import Postgres

/// The names people read beside codes: departments, categories and areas (an area's name is
/// the name of the department that covers it; should several, the first by level name, as the
/// figures table has always chosen).
extension CaseworkStore {
    public func departmentNames(on connection: PostgresConnection) throws -> [String: String] {
        try nameMap("SELECT code, name FROM departments", on: connection)
    }

    public func categoryNames(on connection: PostgresConnection) throws -> [String: String] {
        try nameMap("SELECT code, name FROM categories", on: connection)
    }

    public func areaNames(on connection: PostgresConnection) throws -> [String: String] {
        try nameMap(Self.areaNamesSQL, on: connection)
    }

    /// The names of one category and one area code, for showing a case: the same choice as
    /// the maps above, in one query; a code without a name is left out.
    public func names(category: String, area: String, on connection: PostgresConnection) throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try connection.query(
            """
            SELECT code, name FROM categories WHERE code = \(category)
            UNION ALL SELECT * FROM (\(unsafe: Self.areaNamesSQL)) a WHERE a.area_code = \(area)
            """) {
            let (code, name) = try row.decode((String, String).self)
            names[code] = name
        }
        return names
    }

    static let areaNamesSQL = """
        SELECT DISTINCT ON (area_code) area_code, name FROM departments WHERE area_code IS NOT NULL ORDER BY area_code, level
        """

    private func nameMap(_ sql: String, on connection: PostgresConnection) throws -> [String: String] {
        Dictionary(try connection.query(PostgresQuery(unsafeSQL: sql)).map { try $0.decode((String, String).self) },
                   uniquingKeysWith: { first, _ in first })
    }
}
