import Casework
import Foundation
import Hummingbird
import Postgres

extension Open311Routes {
    /// The longest date range a search may span, and its default (the spec's 90 days).
    static let searchWindow: TimeInterval = 90 * 86_400

    @Sendable func search(_ call: Call) async throws -> Response {
        let (format, query) = (call.format, call.query)
        let viewer = try await viewer(query, from: call.address)
        var errors: [String] = []
        let now = Date()
        var start: Date?
        var end: Date?
        if let text = query["start_date"] { start = ISODate.parse(text); if start == nil { errors.append("start_date must be a date and time with a time zone") } }
        if let text = query["end_date"] { end = ISODate.parse(text); if end == nil { errors.append("end_date must be a date and time with a time zone") } }
        let to = end ?? start.map { min($0.addingTimeInterval(Self.searchWindow), now) } ?? now
        let from = start ?? to.addingTimeInterval(-Self.searchWindow)
        if from > to { errors.append("start_date must be before end_date") }
        if to.timeIntervalSince(from) > Self.searchWindow { errors.append("start_date and end_date may be at most 90 days apart") }
        var search = Open311Store.Search(start: from, end: to)
        for id in (query["service_request_id"] ?? "").split(separator: ",") {
            if let number = Int64(id.trimmingCharacters(in: .whitespaces)), number > 0 { search.ids.append(number) } else {
                errors.append("service_request_id must list request ids, separated by commas")
            }
        }
        search.serviceCodes = (query["service_code"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for status in (query["status"] ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if status == "open" || status == "closed" { search.statuses.insert(status) } else { errors.append("status must be open or closed") }
        }
        if let page = query["page"] { if let number = Int(page), number >= 1, number <= 100_000 { search.page = number } else { errors.append("page must be a whole number from 1") } }
        let sizeText = query["page_size"] ?? query["count"]
        if let size = sizeText { if let number = Int(size), (1...1000).contains(number) { search.pageSize = number } else { errors.append("page_size must be from 1 to 1000") } }
        guard errors.isEmpty else {
            var seen = Set<String>()
            throw Open311Failure(.badRequest, errors.filter { seen.insert($0).inserted })
        }
        let reads = self.reads
        let chosen = search
        let found = try await client.withConnection { try reads.requests(chosen, on: $0) }
        return format.response(.list(item: "request", found.map { node($0, viewer: viewer) }), root: "service_requests")
    }

    @Sendable func one(_ call: Call) async throws -> Response {
        let (format, name) = (call.format, call.name)
        guard let id = Int64(name), id > 0 else { throw Open311Failure(.notFound, "there is no service request \(name)") }
        let viewer = try await viewer(call.query, from: call.address)
        let reads = self.reads
        let found = try await client.withConnection {
            try reads.requests(Open311Store.Search(ids: [id], start: .distantPast, end: .distantFuture), on: $0)
        }
        guard let only = found.first else { throw Open311Failure(.notFound, "there is no service request \(id)") }
        return format.response(.list(item: "request", [node(only, viewer: viewer)]), root: "service_requests")
    }

    @Sendable func token(_ call: Call) async throws -> Response {
        let (format, token) = (call.format, call.name)
        let reads = self.reads
        guard let id = try await client.withConnection({ try reads.caseID(token: token, on: $0) }) else {
            throw Open311Failure(.notFound, "there is no request for this token")
        }
        let item = Open311Node.element([("service_request_id", .text(String(id))), ("token", .text(token))])
        return format.response(.list(item: "request", [item]), root: "service_requests")
    }

    /// The intake system whose `api_key` came with a read, if any (it sees its own requests'
    /// descriptions and addresses).
    func viewer(_ query: FormFields, from address: String?) async throws -> IntakeClient? {
        guard let key = query["api_key"] else { return nil }
        return try await gatekeeper.admit(key, from: address)
    }

    /// One request as the spec lays it out. Descriptions and addresses only for the intake
    /// system that sent it, unless the city publishes them (`publicDetails`).
    func node(_ found: Open311Store.Request, viewer: IntakeClient?) -> Open311Node {
        let detailed = configuration.open311.publicDetails || viewer?.source == found.source
        let closed = Open311Store.closedStates.contains(found.state)
        return .element([
            ("service_request_id", .text(String(found.id))),
            ("status", .text(closed ? "closed" : "open")),
            ("status_notes", .text(Self.notes(found))),
            ("service_name", .text(found.serviceName)),
            ("service_code", .text(found.serviceCode)),
            ("description", .text(detailed ? found.description : nil)),
            ("agency_responsible", .text(found.agency)),
            ("service_notice", .text(nil)),
            ("requested_datetime", .date(found.requested)),
            ("updated_datetime", .date(found.updated)),
            ("expected_datetime", .date(found.expected)),
            ("address", .text(detailed ? found.address : nil)),
            ("address_id", .text(nil)),
            ("zipcode", .text(nil)),
            ("lat", .number(found.latitude)),
            ("long", .number(found.longitude)),
            ("media_url", .text(found.mediaURL)),
        ])
    }

    /// The civicq state behind open/closed, in a sentence (with the public reply once resolved).
    static func notes(_ found: Open311Store.Request) -> String {
        switch found.state {
        case .received: "received; being routed to the responsible department"
        case .dispatched: "dispatched to the responsible department"
        case .accepted: "accepted by the responsible department"
        case .returned: "returned by a department; being routed again"
        case .manualDispatch: "with the hotline office for dispatch"
        case .reopened: "reopened after the citizen's callback"
        case .resolved: "resolved" + (found.reply.map { ": \($0)" } ?? "")
        case .closed: "closed" + (found.reply.map { ": \($0)" } ?? "")
        case .merged: "merged into request \(found.mergedInto.map(String.init) ?? "")"
        case .withdrawn: "withdrawn by the citizen"
        case .rejected: "rejected by the hotline office"
        }
    }
}
