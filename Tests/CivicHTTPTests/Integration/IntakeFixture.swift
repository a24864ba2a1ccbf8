import Casework
import CivicHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import TestSupport
import Testing

/// A migrated schema with the example categories and departments, two intake systems with a
/// key each, and civicq's router under test (in process, no socket).
struct IntakeFixture: Sendable {
    let client: PostgresClient
    let schema: String
    let store: CaseworkStore
    let keys: APIKeyStore
    /// The key of intake system `hotline` (every scope).
    let key: String
    /// The key of intake system `webform` (every scope).
    let otherKey: String
    let http: any TestClientProtocol

    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy/examples")
    }

    static func run(
        configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (IntakeFixture) async throws -> Void
    ) async throws {
        // A small pool: many of these run at once, and the test server allows 200 connections.
        try await TestDatabase.withMigratedSchema(size: 3) { client, schema in
            let store = CaseworkStore(schema: schema)
            let keys = APIKeyStore(schema: schema)
            let directory = try DirectoryFile.parse(try String(contentsOf: examples.appendingPathComponent("departments.yaml"), encoding: .utf8)).withoutPeople
            let categories = try CategoriesFile.parse(try String(contentsOf: examples.appendingPathComponent("categories.yaml"), encoding: .utf8))
            let (key, otherKey) = try await client.withConnection { connection in
                _ = try store.importDepartments(directory, on: connection)
                _ = try store.importCategories(categories, on: connection)
                let key = try keys.create(source: "hotline", label: nil, scopes: [], ratePerSecond: 1000, burst: 1000, on: connection).key.text
                let other = try keys.create(source: "webform", label: nil, scopes: [], ratePerSecond: 1000, burst: 1000, on: connection).key.text
                return (key, other)
            }
            var configuration = ServerConfiguration()
            configuration.keyCacheTTL = .zero
            configure(&configuration)
            let server = try IntakeServer(configuration: configuration, client: client, schema: schema, logger: TestDatabase.logger)
            let app = Application(router: try server.router(), logger: TestDatabase.logger)
            try await app.test(.router) { http in
                try await body(IntakeFixture(client: client, schema: schema, store: store, keys: keys, key: key, otherKey: otherKey, http: http))
            }
        }
    }

    /// A valid complaint with `externalID`, as JSON.
    static func complaint(_ externalID: String, category: String = "0101", extra: String = "") -> String {
        #"{"external_id":"\#(externalID)","category":"\#(category)","area":"420102","title":"路灯不亮","description":"小区门口的路灯坏了三天，晚上很黑。","citizen":{"name":"张三","phone":"13812345678"}\#(extra)}"#
    }

    struct Answer: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: JSONValue?
        let text: String

        /// The `field` of every error in a problem document.
        var errorFields: [String] {
            guard case .array(let errors)? = body?["errors"] else { return [] }
            return errors.compactMap { $0["field"]?.stringValue }
        }
    }

    /// Sends a request with `key` (nil: none) and a JSON body, and parses the answer.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil,
        contentType: String = "application/json", headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = contentType }
        return try await http.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return Answer(status: response.status, headers: response.headers, body: try? JSONValue.parse(Data(text.utf8)), text: text)
        }
    }

    func count(_ sql: String) async throws -> Int {
        try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: sql)).scalar(Int.self) ?? 0 }
    }

    /// Makes case `id` resolved with a pending callback, as if a department had resolved it.
    func resolve(_ id: Int64) async throws {
        try await client.withConnection { connection in
            try connection.executeScript(
                """
                UPDATE cases SET state = 'resolved', lead_department = (SELECT code FROM departments WHERE dispatch_desk),
                    dispatched_at = now(), accepted_at = now(), resolved_at = now(), reply = '已修复' WHERE id = \(id);
                INSERT INTO callbacks (case_id, window_ends) VALUES (\(id), now() + interval '48 hours');
                """)
        }
    }
}
