public import Foundation
public import Postgres

/// A complaint as an intake system hands it in.
public struct NewCase: Sendable, Equatable {
    public var source: String
    public var externalID: String
    public var category: String
    public var area: String
    public var title: String
    public var description: String
    public var channel: String
    public var citizenName: String?
    public var citizenPhone: String?
    public var address: String?
    public var latitude: Double?
    public var longitude: Double?
    public var priority: String
    public var receivedAt: Date?
    /// Open311 attribute values by attribute code (a string, or a list for multivaluelist).
    public var attributes: [String: JSONValue]?
    public var mediaURL: String?

    public init(
        source: String, externalID: String, category: String, area: String, title: String, description: String,
        channel: String = "phone", citizenName: String? = nil, citizenPhone: String? = nil, address: String? = nil,
        latitude: Double? = nil, longitude: Double? = nil, priority: String = "normal", receivedAt: Date? = nil,
        attributes: [String: JSONValue]? = nil, mediaURL: String? = nil
    ) {
        self.source = source
        self.externalID = externalID
        self.category = category
        self.area = area
        self.title = title
        self.description = description
        self.channel = channel
        self.citizenName = citizenName
        self.citizenPhone = citizenPhone
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.priority = priority
        self.receivedAt = receivedAt
        self.attributes = attributes
        self.mediaURL = mediaURL
    }
}

/// What became of one submitted complaint.
public enum SubmitOutcome: Sendable, Equatable {
    /// Stored now, its routing queued.
    case created(Int64)
    /// Submitted before (same source and external id): the existing case.
    case existing(Int64)
    /// Not stored: the category code is not known.
    case unknownCategory

    public var caseID: Int64? {
        switch self {
        case .created(let id), .existing(let id): id
        case .unknownCategory: nil
        }
    }
}

extension CaseworkStore {
    /// Stores complaints and queues their routing in one statement (`submit_cases`,
    /// migration 007), in the caller's transaction; one outcome per complaint, in order.
    /// Idempotent on source and external id, also against a concurrent duplicate. External
    /// ids must be unique within one call (callers refuse repeats first).
    public func submit(_ complaints: [NewCase], on connection: PostgresConnection) throws -> [SubmitOutcome] {
        guard !complaints.isEmpty else { return [] }
        var outcomes = [SubmitOutcome](repeating: .unknownCategory, count: complaints.count)
        for (source, indices) in Dictionary(grouping: complaints.indices, by: { complaints[$0].source }) {
            let result = try CaseworkError.translating { try connection.query(try Self.submitQuery(source, indices.map { complaints[$0] })) }
            try Self.record(result, indices: indices, into: &outcomes)
        }
        return outcomes
    }

    /// Stores complaints like ``submit(_:on:)`` and reads each stored case back, all in one
    /// round trip (a pipeline, one implicit transaction): what the API answers with.
    public func submitAndRead(_ complaints: [NewCase], on connection: PostgresConnection) throws -> [(SubmitOutcome, IntakeCaseView?)] {
        guard !complaints.isEmpty else { return [] }
        let groups = Array(Dictionary(grouping: complaints.indices, by: { complaints[$0].source }))
        var queries = try groups.map { source, indices in try Self.submitQuery(source, indices.map { complaints[$0] }) }
        queries.append(
            """
            SELECT \(unsafe: Self.intakeColumns), c.source FROM cases c LEFT JOIN departments d ON d.code = c.lead_department
            WHERE (c.source, c.external_id) IN (SELECT * FROM unnest(\(complaints.map(\.source)), \(complaints.map(\.externalID))))
            """)
        let results = try CaseworkError.translating { try connection.pipeline(queries) }
        var outcomes = [SubmitOutcome](repeating: .unknownCategory, count: complaints.count)
        for ((_, indices), rows) in zip(groups, results) { try Self.record(rows, indices: indices, into: &outcomes) }
        var views: [String: IntakeCaseView] = [:]
        for row in results[groups.count] {
            views[try row.decode(String.self, at: 25) + "\u{0}" + (try row.decode(String.self, at: 1))] = try Self.intakeView(row)
        }
        return complaints.indices.map { index in
            (outcomes[index], outcomes[index].caseID == nil ? nil : views[complaints[index].source + "\u{0}" + complaints[index].externalID])
        }
    }

    private static func submitQuery(_ source: String, _ complaints: [NewCase], office: Bool = false) throws -> PostgresQuery {
        var json = PostgresJSONB.Writer(reservingCapacity: complaints.count * 600)
        json.beginArray()
        for complaint in complaints { IntakeRow(complaint).write(to: &json) }
        json.endArray()
        let rows = json.jsonb
        return """
            SELECT ord, case_id, created FROM \(unsafe: office ? "office_submit" : "submit_cases")(\(source), ARRAY(
                SELECT jsonb_populate_record(NULL::intake_case, e.doc)
                FROM jsonb_array_elements(\(rows)) WITH ORDINALITY AS e(doc, n) ORDER BY e.n))
            """
    }

    private static func record(_ rows: PostgresRows, indices: [Int], into outcomes: inout [SubmitOutcome]) throws {
        for row in rows {
            let (ord, id, created) = try row.decode((Int, Int64?, Bool).self)
            outcomes[indices[ord - 1]] = id.map { created ? .created($0) : .existing($0) } ?? .unknownCategory
        }
    }

    /// Stores one complaint and queues its routing. The same source and external id again
    /// returns the existing case with `created` false.
    /// - Throws: ``CaseworkError`` `badInput` for an unknown category.
    public func submit(_ complaint: NewCase, on connection: PostgresConnection) throws -> (id: Int64, created: Bool) {
        try Self.single(try submit([complaint], on: connection)[0])
    }

    private static func single(_ outcome: SubmitOutcome) throws -> (id: Int64, created: Bool) {
        switch outcome {
        case .created(let id): return (id, true)
        case .existing(let id): return (id, false)
        case .unknownCategory: throw CaseworkError(.badInput, "unknown category code")
        }
    }

    /// Takes in one complaint typed by hand (`civicq case submit`): as the service or owner,
    /// like any intake; as a person, through `office_submit` (migration 028), which the
    /// database allows the hotline office only.
    public func submitByHand(_ complaint: NewCase, on connection: PostgresConnection) throws -> (id: Int64, created: Bool) {
        let intake = try connection.query("SELECT has_function_privilege('submit_cases(text, intake_case[])', 'EXECUTE')").scalar(Bool.self) ?? false
        if intake { return try submit(complaint, on: connection) }
        let rows = try CaseworkError.translating { try connection.query(try Self.submitQuery(complaint.source, [complaint], office: true)) }
        var outcomes = [SubmitOutcome.unknownCategory]
        try Self.record(rows, indices: [0], into: &outcomes)
        return try Self.single(outcomes[0])
    }
}

/// A complaint as `submit_cases` reads it (`jsonb_populate_record` into the `intake_case` type
/// of migration 007); an absent value is left out, which the server reads as NULL.
private struct IntakeRow {
    let external_id: String
    let category: String
    let area: String
    let title: String
    let description: String
    let channel: String
    let citizen_name: String?
    let citizen_phone: String?
    let address: String?
    let latitude: Double?
    let longitude: Double?
    let priority: String
    let received_at: Date?
    let attributes: [String: JSONValue]?
    let media_url: String?

    init(_ complaint: NewCase) {
        external_id = complaint.externalID
        category = complaint.category
        area = complaint.area
        title = complaint.title
        description = complaint.description
        channel = complaint.channel
        citizen_name = complaint.citizenName
        citizen_phone = complaint.citizenPhone
        address = complaint.address
        latitude = complaint.latitude
        longitude = complaint.longitude
        priority = complaint.priority
        received_at = complaint.receivedAt
        attributes = complaint.attributes
        media_url = complaint.mediaURL
    }

    func write(to json: inout PostgresJSONB.Writer) {
        json.beginObject()
        json.field("external_id", external_id)
        json.field("category", category)
        json.field("area", area)
        json.field("title", title)
        json.field("description", description)
        json.field("channel", channel)
        json.field("citizen_name", citizen_name)
        json.field("citizen_phone", citizen_phone)
        json.field("address", address)
        json.field("latitude", latitude)
        json.field("longitude", longitude)
        json.field("priority", priority)
        json.field("received_at", received_at)
        if let attributes {
            json.key("attributes")
            JSONValue.object(attributes).write(to: &json)
        }
        json.field("media_url", media_url)
        json.endObject()
    }
}
