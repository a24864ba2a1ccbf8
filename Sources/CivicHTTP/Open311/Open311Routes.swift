import Casework
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import Postgres

/// Open311 GeoReport v2 at `/open311/v2`: discovery, services, service definitions, requests
/// (search and submit), one request, tokens; each as `.xml` and `.json`. Services are civicq's
/// leaf categories; a submitted request becomes a case of the key's intake system.
public struct Open311Routes: Sendable {
    let client: PostgresClient
    let store: CaseworkStore
    let reads: Open311Store
    let gatekeeper: Gatekeeper
    let validator: IntakeValidator
    let configuration: ServerConfiguration

    /// The largest POST body (multipart bodies may carry a photo, which is not kept). 8 MiB.
    static let maxPostBytes = 8 * 1024 * 1024

    init(client: PostgresClient, store: CaseworkStore, gatekeeper: Gatekeeper, validator: IntakeValidator, configuration: ServerConfiguration) {
        self.client = client
        self.store = store
        self.reads = Open311Store()
        self.gatekeeper = gatekeeper
        self.validator = validator
        self.configuration = configuration
    }

    public func add(to group: RouterGroup<IntakeContext>) {
        group.get("discovery.{format}") { request, context in await serve(request, context, "discovery", discovery) }
        group.get("services.{format}") { request, context in await serve(request, context, "services", services) }
        group.get("services/{file}") { request, context in await serve(request, context, "file", definition) }
        group.get("requests.{format}") { request, context in await serve(request, context, "requests", search) }
        group.post("requests.{format}") { request, context in await serve(request, context, "requests", submit) }
        group.get("requests/{file}") { request, context in await serve(request, context, "file", one) }
        group.get("tokens/{file}") { request, context in await serve(request, context, "file", token) }
    }

    /// One Open311 request: the format and name from its path, its query string parsed once.
    struct Call: Sendable {
        let request: Request
        let format: Open311Format
        /// The path's name before the suffix (`030101` of `services/030101.json`), or empty.
        let name: String
        let query: FormFields
        /// The peer's address, for limiting failed keys.
        let address: String?
    }

    typealias Handler = @Sendable (Call) async throws -> Response

    /// Runs `handler` with the format from the path, turning every failure into an Open311
    /// error list in that format (JSON when the suffix itself is wrong).
    func serve(_ request: Request, _ context: IntakeContext, _ parameter: String, _ handler: Handler) async -> Response {
        let captured = context.parameters.get(parameter == "file" ? "file" : "format") ?? ""
        let split: (name: String, format: Open311Format)? =
            parameter == "file" ? Open311Format.split(captured) : Open311Format(rawValue: captured.lowercased()).map { ("", $0) }
        guard let (name, format) = split else {
            return Open311Failure(.notFound, "use the .xml or .json form of this address").response(in: .json)
        }
        do {
            let query = try FormFields(urlEncoded: Substring(request.uri.query ?? ""))
            if let jurisdiction = query["jurisdiction_id"], let ours = configuration.open311.jurisdiction, jurisdiction != ours {
                throw Open311Failure(.notFound, "jurisdiction_id \(jurisdiction) is not served here")
            }
            return try await handler(Call(request: request, format: format, name: name, query: query, address: context.remoteAddress))
        } catch let failure as Open311Failure {
            return failure.response(in: format)
        } catch is FormFields.Malformed {
            return Open311Failure(.badRequest, "the form or query string is malformed").response(in: format)
        } catch {
            let problem = ProblemMiddleware<IntakeContext>.problem(for: error, logger: context.logger)
            let status: HTTPResponse.Status = switch problem.status.code {
            case 401, 403: .forbidden
            case 404: .notFound
            case 413, 429, 500...: problem.status
            default: .badRequest
            }
            var response = Open311Failure(status, problem.errors.isEmpty ? [problem.detail] : problem.errors.map(\.message)).response(in: format)
            if let retry = problem.headers[.retryAfter] { response.headers[.retryAfter] = retry }
            return response
        }
    }

    // MARK: Discovery and services

    @Sendable func discovery(_ call: Call) async throws -> Response {
        let (request, format) = (call.request, call.format)
        let reads = self.reads
        let changeset = try await client.withConnection { try reads.changeset(on: $0) }
        let host = request.head.authority ?? "localhost"
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] ?? "http"
        let stamp = Open311Node.date(changeset ?? Date(timeIntervalSince1970: 0))
        let endpoint = Open311Node.element([
            ("specification", .text("http://wiki.open311.org/GeoReport_v2")),
            ("url", .text("\(scheme)://\(host)/open311/v2")),
            ("changeset", stamp),
            ("type", .text("production")),
            ("formats", .list(item: "format", [.text("text/xml"), .text("application/json")])),
        ])
        let node = Open311Node.element([
            ("changeset", stamp), ("contact", .text(configuration.open311.contact)), ("key_service", .text(configuration.open311.keyService)),
            ("endpoints", .list(item: "endpoint", [endpoint])),
        ])
        return format.response(node, root: "discovery")
    }

    @Sendable func services(_ call: Call) async throws -> Response {
        let format = call.format
        let reads = self.reads
        let services = try await client.withConnection { try reads.services(on: $0) }
        let list = Open311Node.list(item: "service", services.map { service in
            .element([
                ("service_code", .text(service.code)), ("service_name", .text(service.name)),
                ("description", .text(service.description ?? service.name)), ("metadata", .bool(!service.attributes.isEmpty)),
                ("type", .text("realtime")), ("keywords", .text(service.keywords ?? "")), ("group", .text(service.group)),
            ])
        })
        return format.response(list, root: "services")
    }

    @Sendable func definition(_ call: Call) async throws -> Response {
        let (format, code) = (call.format, call.name)
        let reads = self.reads
        guard let service = try await client.withConnection({ try reads.services(code: code, on: $0) }).first else {
            throw Open311Failure(.notFound, "there is no service \(code)")
        }
        let attributes = service.attributes.enumerated().map { index, attribute in
            Open311Node.element([
                ("variable", .bool(attribute.isVariable)), ("code", .text(attribute.code)), ("datatype", .text(attribute.datatype)),
                ("required", .bool(attribute.isRequired)), ("datatype_description", .text(attribute.datatype_description ?? "")),
                ("order", .number(Double(attribute.order ?? index + 1))), ("description", .text(attribute.description)),
                ("values", .list(item: "value", (attribute.values ?? []).map { .element([("key", .text($0.key)), ("name", .text($0.name))]) })),
            ])
        }
        let node = Open311Node.element([("service_code", .text(service.code)), ("attributes", .list(item: "attribute", attributes))])
        return format.response(node, root: "service_definition")
    }
}
