internal import CLibPQ
public import Foundation

/// How to reach a PostgreSQL server and how to set up each session.
///
/// The connection target is a libpq conninfo string (`host=... dbname=...`) or URI
/// (`postgresql://user@host:5432/db?sslmode=require`), so everything psql users know works:
/// the `PG*` environment variables fill in what the string leaves out, and `.pgpass`,
/// service files, `sslmode` and client certificates are honoured by libpq itself.
/// An empty string means "libpq's defaults and the `PG*` variables".
///
/// The string is validated when the configuration is made ( ``init(conninfo:options:)`` ),
/// and the error names what is wrong without echoing a password.
///
/// A value type; use it from any thread.
public struct PostgresConfiguration: Sendable {
    /// Session settings applied after every connect.
    public struct Options: Sendable, Equatable {
        /// `statement_timeout` for the session. Default `nil`: the server's setting (normally none).
        public var statementTimeout: Duration?
        /// `lock_timeout` for the session. Default `nil`: the server's setting.
        public var lockTimeout: Duration?
        /// `search_path` for the session, most significant first. Default `nil`: the server's setting.
        public var searchPath: [String]?
        /// `application_name` when the conninfo and `PGAPPNAME` name none. Default `nil`.
        public var fallbackApplicationName: String?
        /// Seconds libpq waits for a connection when the conninfo and `PGCONNECT_TIMEOUT`
        /// set none. Default 10.
        public var connectTimeoutSeconds: Int
        /// Statements each connection keeps prepared by name (parsed and planned once, then
        /// only bound and executed), the least recently used making room. Default 256. 0 sends
        /// every statement unnamed, parsed and planned on each call: for a pooler in
        /// transaction mode that does not carry prepared statements between server sessions.
        public var statementCacheSize: Int
        /// `jit` for the session: whether the server may compile a costly plan's expressions
        /// to machine code. Default `nil`: the server's setting (on since PostgreSQL 12). The
        /// server decides by the plan's estimated cost, so a short statement whose estimate is
        /// off (a table grown since it was last analyzed) can spend longer compiling than
        /// running; an application of short statements turns it off.
        public var jit: Bool?

        public init(
            statementTimeout: Duration? = nil,
            lockTimeout: Duration? = nil,
            searchPath: [String]? = nil,
            fallbackApplicationName: String? = nil,
            connectTimeoutSeconds: Int = 10,
            statementCacheSize: Int = 256,
            jit: Bool? = nil
        ) {
            self.statementTimeout = statementTimeout
            self.lockTimeout = lockTimeout
            self.searchPath = searchPath
            self.fallbackApplicationName = fallbackApplicationName
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.statementCacheSize = statementCacheSize
            self.jit = jit
        }
    }

    /// The conninfo string or URI as given. May hold a password: never log it; log ``summary``.
    public var conninfo: String
    /// Session settings.
    public var options: Options
    /// The parameters that the conninfo sets explicitly (password excluded).
    public let parameters: [String: String]

    /// Validates `conninfo` with libpq's own parser.
    /// - Throws: ``PostgresError`` with code `invalidConfiguration` naming the problem.
    public init(conninfo: String, options: Options = Options()) throws {
        self.conninfo = conninfo
        self.options = options
        self.parameters = try Self.parse(conninfo)
        try Self.checkNumbers(parameters)
    }

    /// libpq checks ports and timeouts only when connecting; say so now, before anything is sent.
    private static func checkNumbers(_ parameters: [String: String]) throws {
        if let ports = parameters["port"] {
            for port in ports.split(separator: ",", omittingEmptySubsequences: false) {
                guard let number = Int(port), (1...65535).contains(number) else {
                    throw PostgresError.invalidConfiguration("the port must be a number from 1 to 65535")
                }
            }
        }
        if let timeout = parameters["connect_timeout"], Int(timeout) == nil {
            throw PostgresError.invalidConfiguration("connect_timeout must be a whole number of seconds")
        }
    }

    /// The configuration the environment describes: `DATABASE_URL` when set and not empty,
    /// else the `PG*` variables (read by libpq at connect time).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        options: Options = Options()
    ) throws -> PostgresConfiguration {
        let url = environment["DATABASE_URL"] ?? ""
        return try PostgresConfiguration(conninfo: url, options: options)
    }

    /// Host, port, database and user, with no password, for log lines and messages.
    /// Values the string leaves out are shown as libpq will resolve them from the environment.
    public var summary: String {
        let env = ProcessInfo.processInfo.environment
        let host = parameters["host"] ?? parameters["hostaddr"] ?? env["PGHOST"] ?? "local socket"
        let port = parameters["port"] ?? env["PGPORT"] ?? "5432"
        let user = parameters["user"] ?? env["PGUSER"] ?? "(login name)"
        let database = parameters["dbname"] ?? env["PGDATABASE"] ?? user
        return "\(user)@\(host):\(port)/\(database)"
    }

    /// The keyword/value pairs passed to `PQconnectdbParams`: the conninfo, expanded, then the
    /// fallbacks it does not set. Later keywords override earlier ones in libpq, so only
    /// settings the user left open are added.
    var connectParameters: [(String, String)] {
        var pairs: [(String, String)] = [("dbname", conninfo)]
        let env = ProcessInfo.processInfo.environment
        if parameters["connect_timeout"] == nil, env["PGCONNECT_TIMEOUT"] == nil {
            pairs.append(("connect_timeout", String(options.connectTimeoutSeconds)))
        }
        if let name = options.fallbackApplicationName {
            pairs.append(("fallback_application_name", name))
        }
        return pairs
    }

    private static func parse(_ conninfo: String) throws -> [String: String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            var reason = "the connection string is not valid"
            if let errorMessage {
                let text = String(cString: errorMessage).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfreemem(errorMessage)
                reason += ": " + redactPassword(in: text, conninfo: conninfo)
            }
            throw PostgresError.invalidConfiguration(reason)
        }
        defer { PQconninfoFree(options) }
        var result: [String: String] = [:]
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                let key = String(cString: keyword)
                if key != "password" { result[key] = String(cString: value) }
            }
            cursor += 1
        }
        return result
    }

    /// Removes whatever looks like the password of `conninfo` from `text`. libpq's messages
    /// quote the fragment they could not parse, which may be or contain the password.
    static func redactPassword(in text: String, conninfo: String) -> String {
        var secrets: [String] = []
        if let scheme = conninfo.range(of: "://"),
            let at = conninfo[scheme.upperBound...].firstIndex(of: "@")
        {
            let userInfo = conninfo[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                secrets.append(String(userInfo[userInfo.index(after: colon)...]))
            }
        }
        for pattern in ["password=", "password ="] {
            var search = conninfo[...]
            while let range = search.range(of: pattern) {
                let rest = search[range.upperBound...].drop(while: { $0 == " " })
                let value: Substring
                if rest.first == "'" {
                    value = rest.dropFirst().prefix(while: { $0 != "'" })
                } else {
                    value = rest.prefix(while: { $0 != " " && $0 != "&" })
                }
                if !value.isEmpty { secrets.append(String(value)) }
                search = search[range.upperBound...]
            }
        }
        var redacted = text
        for secret in secrets where !secret.isEmpty {
            redacted = redacted.replacingOccurrences(of: secret, with: "****")
        }
        return redacted
    }
}
