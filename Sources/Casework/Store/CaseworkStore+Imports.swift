import CivicSchema
import Foundation
public import Postgres

extension CaseworkStore {
    /// The group role every person is a member of: `<schema>_staff` (migration 004).
    public var staffRole: String { CivicSchema.staffRole(schema: schema) }
    /// The group role of the service logins (`civicq users service`), as the migrator names it.
    public var serviceRole: String { CivicSchema.serviceRole(schema: schema) }

    /// Imports the department tree: adds and updates departments, marks the ones no longer in
    /// the file inactive (their cases keep them), and adds the people listed. One transaction.
    /// - Returns: (departments in the file, departments deactivated, people added or updated).
    public func importDepartments(_ file: DirectoryFile, on connection: PostgresConnection) throws -> (Int, Int, Int) {
        let all = file.flattened
        return try connection.transaction { connection in
            try connection.execute("SET CONSTRAINTS ALL DEFERRED")
            // A new dispatch desk or backstop may take over from an existing one: clear first.
            try connection.execute("UPDATE departments SET dispatch_desk = false, backstop_area = NULL")
            for department in all {
                try connection.execute(
                    """
                    INSERT INTO departments (code, name, parent_code, level, area_code, backstop_area, dispatch_desk, webhook_url, webhook_secret, active)
                    VALUES (\(department.code), \(department.name), \(department.parent), \(department.level), \(department.area),
                            \(department.backstop), \(department.dispatch_desk ?? false), \(department.webhook?.url), \(department.webhook?.secret), true)
                    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, level = EXCLUDED.level,
                        area_code = EXCLUDED.area_code, backstop_area = EXCLUDED.backstop_area, dispatch_desk = EXCLUDED.dispatch_desk,
                        webhook_url = EXCLUDED.webhook_url, webhook_secret = EXCLUDED.webhook_secret, active = true
                    """)
            }
            let deactivated = try connection.execute("UPDATE departments SET active = false WHERE active AND NOT code = ANY(\(all.map(\.code)))")
            var people = 0
            for department in all {
                for person in department.people ?? [] {
                    try addUser(login: person.login, department: department.code, role: person.role, name: person.name, on: connection)
                    people += 1
                }
            }
            return (all.count, deactivated, people)
        }
    }

    /// The department tree and its people, nested, as a file `importDepartments` reads back.
    public func exportDepartments(on connection: PostgresConnection) throws -> DirectoryFile {
        var people: [String: [DirectoryFile.Person]] = [:]
        for row in try connection.query("SELECT login, department_code, role, display_name FROM handlers WHERE active ORDER BY login") {
            let (login, department, role, name) = try row.decode((String, String, StaffRole, String?).self)
            people[department, default: []].append(.init(login: login, role: role, name: name))
        }
        var byParent: [String: [DirectoryFile.Department]] = [:]
        for row in try connection.query(
            """
            SELECT code, name, parent_code, level, area_code, backstop_area, dispatch_desk, webhook_url, webhook_secret
            FROM departments WHERE active ORDER BY code
            """)
        {
            let (code, name, parent, level, area, backstop, desk) = try row.decode((String, String, String?, String, String?, String?, Bool).self)
            let url = try row.decode(String?.self, at: 7)
            let secret = try row.decode(String?.self, at: 8)
            let department = DirectoryFile.Department(
                code: code, name: name, level: level, parent: nil, area: area, backstop: backstop, dispatch_desk: desk ? true : nil,
                webhook: url.map { DirectoryFile.Webhook(url: $0, secret: secret ?? "") }, people: people[code], children: nil)
            byParent[parent ?? "", default: []].append(department)
        }
        func tree(_ parent: String) -> [DirectoryFile.Department] {
            (byParent[parent] ?? []).map { department in
                var department = department
                let children = tree(department.code)
                department.children = children.isEmpty ? nil : children
                return department
            }
        }
        return DirectoryFile(departments: tree(""))
    }

    /// Creates (or updates) a person: a PostgreSQL login in the staff group, bound to one
    /// department with one role. Needs a connection that may create roles.
    public func addUser(login: String, department: String, role: StaffRole, name: String? = nil, on connection: PostgresConnection) throws {
        guard login.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw CaseworkError(.badInput, "a login is 1 to 63 lowercase letters, digits or _, not starting with a digit")
        }
        guard role != .system else { throw CaseworkError(.badInput, "system is not a role for people") }
        let exists = try connection.query("SELECT 1 FROM departments WHERE code = \(department) AND active").count == 1
        guard exists else { throw CaseworkError(.notFound, "there is no active department \(department)") }
        if try connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(login)").isEmpty {
            try connection.execute("CREATE ROLE \(identifier: login) LOGIN")
        }
        try connection.execute("GRANT \(identifier: staffRole) TO \(identifier: login)")
        try connection.execute(
            """
            INSERT INTO handlers (login, department_code, role, display_name) VALUES (\(login), \(department), \(role.rawValue), \(name))
            ON CONFLICT (login) DO UPDATE SET department_code = EXCLUDED.department_code, role = EXCLUDED.role,
                display_name = coalesce(EXCLUDED.display_name, handlers.display_name), active = true
            """)
    }

    /// Makes `login` (created if missing) a member of the service group role, the one
    /// `civicq serve`, `civicq worker` and `civicq import` connect as: row grants only, never
    /// the owner's rights (migration 016). Refuses a login that is a person, the owner or a
    /// superuser.
    public func addServiceLogin(_ login: String, on connection: PostgresConnection) throws {
        guard login.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw CaseworkError(.badInput, "a login is 1 to 63 lowercase letters, digits or _, not starting with a digit")
        }
        if try !connection.query("SELECT 1 FROM handlers WHERE login = \(login) AND active").isEmpty {
            throw CaseworkError(.badInput, "\(login) is a person (civicq users); the service needs a login of its own")
        }
        let existing = try connection.query(
            """
            SELECT r.rolsuper, pg_has_role(r.oid, n.nspowner, 'MEMBER')
            FROM pg_roles r, pg_namespace n WHERE r.rolname = \(login) AND n.nspname = \(schema)
            """).first.map { try $0.decode((Bool, Bool).self) }
        if let (superuser, owner) = existing, superuser || owner {
            throw CaseworkError(.badInput, "\(login) is a superuser or may act as the schema's owner; the service needs a login with grants only")
        }
        if existing == nil {
            try connection.execute("CREATE ROLE \(identifier: login) LOGIN")
        }
        try connection.execute("GRANT \(identifier: serviceRole) TO \(identifier: login)")
    }

    /// Takes a person out of civicq: inactive, no longer in the staff group. The login itself
    /// stays (it may be used elsewhere); drop it with DROP ROLE if not.
    public func removeUser(login: String, on connection: PostgresConnection) throws {
        guard try connection.execute("UPDATE handlers SET active = false WHERE login = \(login) AND active") == 1 else {
            throw CaseworkError(.notFound, "\(login) is not an active civicq user")
        }
        try connection.execute("REVOKE \(identifier: staffRole) FROM \(identifier: login)")
    }

    /// Imports categories and clock policies (adds and updates; categories are never removed,
    /// since cases refer to them).
    public func importCategories(_ file: CategoriesFile, on connection: PostgresConnection) throws -> (categories: Int, policies: Int) {
        let policies = try file.clockPolicies()
        let categories = try file.flattened()
        return try connection.transaction { connection in
            try connection.execute("SET CONSTRAINTS ALL DEFERRED")
            for policy in policies {
                try connection.execute(
                    """
                    INSERT INTO clock_policies VALUES (\(policy.name), \(policy.response.amount), \(policy.response.unit.rawValue),
                        \(policy.resolution.amount), \(policy.resolution.unit.rawValue))
                    ON CONFLICT (name) DO UPDATE SET response_amount = EXCLUDED.response_amount, response_unit = EXCLUDED.response_unit,
                        resolution_amount = EXCLUDED.resolution_amount, resolution_unit = EXCLUDED.resolution_unit
                    """)
            }
            let attributes = try categories.map { try PostgresJSONB(encoding: $0.attributes).text }
            let known = Set(try connection.query("SELECT name FROM clock_policies").map { try $0.decode(String.self, at: 0) })
            if let unknown = categories.first(where: { !known.contains($0.policy) }) {
                throw CaseworkError(.badInput, "category \(unknown.code): there is no clock policy \(unknown.policy)")
            }
            try connection.execute(
                """
                INSERT INTO categories (code, name, parent_code, policy, description, keywords, attributes)
                SELECT code, name, parent, policy, description, keywords, attributes::jsonb
                FROM unnest(\(categories.map(\.code)), \(categories.map(\.name)), \(categories.map(\.parent)), \(categories.map(\.policy)),
                            \(categories.map(\.description)), \(categories.map(\.keywords)), \(attributes))
                     AS u(code, name, parent, policy, description, keywords, attributes)
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, policy = EXCLUDED.policy,
                    description = EXCLUDED.description, keywords = EXCLUDED.keywords, attributes = EXCLUDED.attributes, updated_at = now()
                """)
            return (categories.count, policies.count)
        }
    }

    /// Stores the rules as a new version, after checking them against the departments and
    /// policies that exist. Workers pick the new version up with their next batch.
    public func importRoutes(_ file: RoutesFile, source: String?, on connection: PostgresConnection) throws -> Int {
        let departments = Set(try connection.query("SELECT code FROM departments WHERE active").map { try $0.decode(String.self, at: 0) })
        let policies = Set(try connection.query("SELECT name FROM clock_policies").map { try $0.decode(String.self, at: 0) })
        try file.validate(departments: departments, policies: policies)
        let rules = try PostgresJSONB(encoding: file.rules)
        let version = try connection.query(
            "INSERT INTO route_sets (source, rule_count, rules) VALUES (\(source), \(file.rules.count), \(rules)) RETURNING version"
        ).scalar(Int.self)
        return version ?? 0
    }

    /// Replaces the holidays and make-up days of the years the file covers.
    public func importCalendar(_ file: CalendarFile, on connection: PostgresConnection) throws -> Int {
        let days = try file.days()
        let years = Set(days.map { $0.day.components.year }).sorted()
        return try connection.transaction { connection in
            try connection.execute("DELETE FROM calendar_days WHERE extract(year FROM day)::integer = ANY(\(years))")
            try connection.execute(
                """
                INSERT INTO calendar_days (day, kind, name)
                SELECT d::date, k, n FROM unnest(\(days.map(\.day.description)), \(days.map(\.kind)), \(days.map(\.name))) AS x(d, k, n)
                """)
            if let zone = file.time_zone {
                try connection.execute(
                    """
                    INSERT INTO settings (key, value) VALUES ('reporting.time_zone', to_jsonb(\(zone)::text))
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
                    """)
            }
            if let language = file.language.flatMap(Language.init(tag:)) {
                try connection.execute(
                    """
                    INSERT INTO settings (key, value) VALUES ('reporting.language', to_jsonb(\(language.rawValue)::text))
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
                    """)
            }
            return days.count
        }
    }
}
