import Casework
import Foundation
import Postgres

/// The reads Open311 needs, for one schema: services (leaf categories) and service requests.
struct Open311Store: Sendable {
    struct Service: Sendable {
        let code: String
        let name: String
        let description: String?
        let keywords: String?
        let group: String
        let attributes: [ServiceAttribute]
    }

    struct Request: Sendable {
        let id: Int64
        let state: CaseState
        let serviceCode: String
        let serviceName: String
        let description: String
        let agency: String?
        let requested: Date
        let updated: Date
        let expected: Date?
        let address: String?
        let latitude: Double?
        let longitude: Double?
        let mediaURL: String?
        let source: String
        let reply: String?
        let mergedInto: Int64?
    }

    struct Search: Sendable {
        var ids: [Int64] = []
        var serviceCodes: [String] = []
        var start: Date
        var end: Date
        /// open, closed or both (empty).
        var statuses: Set<String> = []
        var page = 1
        var pageSize = 1000
    }

    /// States shown as `closed` (resolved, as the citizen sees it); the rest are `open`.
    static let closedStates: [CaseState] = [.resolved] + CaseState.final

    func services(code: String? = nil, on connection: PostgresConnection) throws -> [Service] {
        try connection.query(
            """
            SELECT c.code, c.name, c.description, c.keywords, c.attributes, coalesce(top.name, c.name)
            FROM categories c LEFT JOIN categories top ON top.code = left(c.code, 2)
            WHERE (\(code)::text IS NULL AND NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_code = c.code)) OR c.code = \(code)
            ORDER BY c.code
            """
        ).map { row in
            let (code, name, description, keywords, attributes, group) = try row.decode((String, String, String?, String?, PostgresJSONB, String).self)
            return Service(
                code: code, name: name, description: description, keywords: keywords, group: group,
                attributes: try attributes.decode([ServiceAttribute].self))
        }
    }

    /// When the service list last changed (for discovery's `changeset`).
    func changeset(on connection: PostgresConnection) throws -> Date? {
        try connection.query("SELECT max(updated_at) FROM categories").scalar(Date?.self) ?? nil
    }

    func requests(_ search: Search, on connection: PostgresConnection) throws -> [Request] {
        let closed = Self.closedStates.map(\.rawValue)
        let wantOpen = search.statuses.isEmpty || search.statuses.contains("open")
        let wantClosed = search.statuses.isEmpty || search.statuses.contains("closed")
        return try connection.query(
            """
            SELECT c.id, c.state, c.category_code, k.name, c.description, d.name, c.received_at,
                   CASE WHEN c.state = 'resolved' THEN c.resolved_at WHEN c.closed_at IS NOT NULL THEN c.closed_at ELSE c.updated_at END,
                   c.resolution_due, c.address, c.latitude, c.longitude, c.media_url, c.source, c.reply, c.merged_into
            FROM cases c JOIN categories k ON k.code = c.category_code LEFT JOIN departments d ON d.code = c.lead_department
            WHERE CASE WHEN cardinality(\(search.ids)::bigint[]) > 0 THEN c.id = ANY(\(search.ids))
                  ELSE (cardinality(\(search.serviceCodes)::text[]) = 0 OR c.category_code = ANY(\(search.serviceCodes)))
                       AND c.received_at >= \(search.start) AND c.received_at <= \(search.end)
                       AND ((\(wantOpen) AND NOT c.state::text = ANY(\(closed))) OR (\(wantClosed) AND c.state::text = ANY(\(closed))))
                  END
            ORDER BY c.received_at DESC, c.id DESC
            LIMIT \(search.pageSize) OFFSET \((search.page - 1) * search.pageSize)
            """
        ).map { row in
            let (id, state, code, name, description, agency, requested, updated) = try row.decode(
                (Int64, CaseState, String, String, String, String?, Date, Date).self)
            let (expected, address, latitude, longitude, media, source, reply, merged) = try row.decode(
                (Date?, String?, Double?, Double?, String?, String, String?, Int64?).self, startingAt: 8)
            return Request(
                id: id, state: state, serviceCode: code, serviceName: name, description: description, agency: agency,
                requested: requested, updated: updated, expected: expected, address: address, latitude: latitude, longitude: longitude,
                mediaURL: media, source: source, reply: reply, mergedInto: merged)
        }
    }

    /// The case an Open311 token names (the external id of an Open311 submission).
    func caseID(token: String, on connection: PostgresConnection) throws -> Int64? {
        try connection.query("SELECT id FROM cases WHERE external_id = \(token) AND channel = 'open311' ORDER BY id LIMIT 1").scalar(Int64.self)
    }
}
