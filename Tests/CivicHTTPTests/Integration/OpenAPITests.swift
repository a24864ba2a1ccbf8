import Casework
import CivicHTTP
import CivicSchema
import Foundation
import HTTPTypes
import Testing
import Yams

@Suite("schemas/openapi.yaml and the server agree")
struct OpenAPITests {
    static func document() throws -> [String: Any] {
        let text = String(decoding: try CivicSchema.openAPI(), as: UTF8.self)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test("every documented operation is a route of the server, and every route is documented")
    func sameRoutes() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any])?.keys ?? [:].keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(documented == Set(IntakeServer.routes))
    }

    @Test("the router answers every route (nothing is the router's own not-found)")
    func routerHasEveryRoute() async throws {
        try await IntakeFixture.run { fixture in
            for route in IntakeServer.routes {
                let parts = route.split(separator: " ", maxSplits: 1)
                let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{format}", with: "json")
                    .replacingOccurrences(of: "{service_code}", with: "010202").replacingOccurrences(of: "{service_request_id}", with: "1")
                    .replacingOccurrences(of: "{token}", with: "t")
                let answer = try await fixture.send(parts[0] == "GET" ? .get : .post, path)
                #expect(answer.status != .methodNotAllowed, "\(route)")
                #expect(!answer.text.contains("there is nothing at this address"), "\(route) is not routed")
            }
        }
    }

    @Test("the document's NewCase is schemas/json/case.schema.json")
    func sameCaseSchema() throws {
        let components = try #require(try Self.document()["components"] as? [String: Any])
        let embedded = try #require((components["schemas"] as? [String: Any])?["NewCase"])
        let file = try JSONSerialization.jsonObject(with: try CivicSchema.jsonSchema(named: "case.schema.json"))
        let left = try JSONSerialization.data(withJSONObject: embedded, options: [.sortedKeys])
        let right = try JSONSerialization.data(withJSONObject: file, options: [.sortedKeys])
        #expect(String(decoding: left, as: UTF8.self) == String(decoding: right, as: UTF8.self))
    }
}
