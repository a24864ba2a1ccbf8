public import Casework
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import Postgres

/// The native intake API, `/v1`: submit one case or a batch, read the intake system's own
/// cases and their public history, record its callbacks, withdraw a case.
public struct CaseRoutes: Sendable {
    let client: PostgresClient
    let store: CaseworkStore
    let validator: IntakeValidator
    let configuration: ServerConfiguration
    let batcher: SubmissionBatcher

    public init(client: PostgresClient, store: CaseworkStore, validator: IntakeValidator, configuration: ServerConfiguration) {
        self.client = client
        self.store = store
        self.validator = validator
        self.configuration = configuration
        self.batcher = SubmissionBatcher(client: client, store: store, maxFlushers: configuration.submitFlushers)
    }

    /// Adds the routes under `group` (the `/v1` group, behind ``APIKeyMiddleware``).
    public func add(to group: RouterGroup<IntakeContext>) {
        group.post("cases", use: submit)
        group.post("cases:batch", use: submitBatch)
        group.get("cases", use: list)
        group.get("cases/{id}", use: show)
        group.get("cases/{id}/events", use: events)
        group.post("cases/{id}/callback", use: callback)
        group.post("cases/{id}/withdraw", use: withdraw)
    }

    @Sendable func submit(_ request: Request, context: IntakeContext) async throws -> Response {
        let caller = try context.require(.casesWrite)
        let document = try await BodyReader.json(request, limit: configuration.maxCaseBytes, timeout: configuration.bodyTimeout)
        let complaint = try validator.validate(document, source: caller.source).get()
        let (outcome, view) = try await batcher.submit(complaint)
        guard let view else {
            throw Problem.invalid([FieldError(field: "/category", code: "unknown", message: "category is not a known category code")])
        }
        let created = if case .created = outcome { true } else { false }
        var response = try JSONBody.response(SubmittedCase(view, created: created), status: created ? .created : .ok)
        response.headers[.location] = "/v1/cases/\(view.id)"
        return response
    }

    @Sendable func submitBatch(_ request: Request, context: IntakeContext) async throws -> Response {
        let caller = try context.require(.casesWrite)
        let document = try await BodyReader.json(request, limit: configuration.maxBatchBytes, timeout: configuration.bodyTimeout)
        let batch = try BatchIntake(document, source: caller.source, validator: validator, maxItems: configuration.maxBatchItems)
        let store = self.store
        let results = try await client.withTransaction { connection in
            try batch.store(with: store, on: connection)
        }
        return try JSONBody.response(results)
    }

    @Sendable func list(_ request: Request, context: IntakeContext) async throws -> Response {
        let caller = try context.require(.casesRead)
        let filter = try CaseListQuery.filter(from: request.uri.queryParameters)
        let store = self.store
        let cases = try await client.withConnection { try store.intakeCases(source: caller.source, filter: filter, on: $0) }
        let next = cases.count == filter.limit ? cases.last.map { CaseListQuery.nextLink(request.uri, after: $0.id) } : nil
        return try JSONBody.response(CaseList(cases: cases.map { CaseResource($0) }, next: next ?? nil))
    }

    @Sendable func show(_ request: Request, context: IntakeContext) async throws -> Response {
        let caller = try context.require(.casesRead)
        let id = try Self.caseID(context)
        let store = self.store
        guard let view = try await client.withConnection({ try store.intakeCase(id, source: caller.source, on: $0) }) else {
            throw Self.notFound(id)
        }
        return try JSONBody.response(CaseResource(view))
    }

    @Sendable func events(_ request: Request, context: IntakeContext) async throws -> Response {
        let caller = try context.require(.casesRead)
        let id = try Self.caseID(context)
        let store = self.store
        guard let events = try await client.withConnection({ try store.publicEvents(id, source: caller.source, on: $0) }) else {
            throw Self.notFound(id)
        }
        return try JSONBody.response(EventList(events: events))
    }

    @Sendable func callback(_ request: Request, context: IntakeContext) async throws -> Response {
        let caller = try context.require(.callbacksWrite)
        let id = try Self.caseID(context)
        let answer = try CallbackAnswer(try await BodyReader.json(request, limit: configuration.maxCaseBytes, timeout: configuration.bodyTimeout))
        let store = self.store
        let outcome = try await client.withTransaction { connection in
            try store.intakeCallback(id, source: caller.source, reached: answer.reached, solved: answer.solved, rating: answer.rating, on: connection)
        }
        return try JSONBody.response(["case": "\(id)", "outcome": outcome])
    }

    @Sendable func withdraw(_ request: Request, context: IntakeContext) async throws -> Response {
        let caller = try context.require(.casesWrite)
        let id = try Self.caseID(context)
        let document = try await BodyReader.json(request, limit: configuration.maxCaseBytes, timeout: configuration.bodyTimeout)
        guard let reason = document["reason"]?.stringValue, !reason.allSatisfy(\.isWhitespace), reason.unicodeScalars.count <= 2000 else {
            throw Problem.invalid([FieldError(field: "/reason", code: "required", message: "reason is required: 1 to 2000 characters")])
        }
        let store = self.store
        let state = try await client.withTransaction { connection in
            try store.intakeWithdraw(id, source: caller.source, reason: reason, on: connection)
        }
        return try JSONBody.response(["case": "\(id)", "state": state.rawValue])
    }

    static func caseID(_ context: IntakeContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw Problem(.notFound, detail: "a case id is a positive whole number")
        }
        return id
    }

    static func notFound(_ id: Int64) -> Problem {
        Problem(.notFound, detail: "there is no case \(id) from this intake system")
    }
}
