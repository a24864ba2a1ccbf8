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

    public init(
        source: String, externalID: String, category: String, area: String, title: String, description: String,
        channel: String = "phone", citizenName: String? = nil, citizenPhone: String? = nil, address: String? = nil,
        latitude: Double? = nil, longitude: Double? = nil, priority: String = "normal", receivedAt: Date? = nil
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
    }
}

extension CaseworkStore {
    /// Stores a complaint and queues its routing, in one transaction (`submit_case`). The
    /// same source and external id again returns the existing case with `created` false.
    public func submit(_ complaint: NewCase, on connection: PostgresConnection) throws -> (id: Int64, created: Bool) {
        try CaseworkError.translating {
            let rows = try connection.query(
                """
                SELECT case_id, created FROM submit_case(\(complaint.source), \(complaint.externalID), \(complaint.category),
                    \(complaint.area), \(complaint.title), \(complaint.description), \(complaint.channel), \(complaint.citizenName),
                    \(complaint.citizenPhone), \(complaint.address), \(complaint.latitude), \(complaint.longitude), \(complaint.priority),
                    coalesce(\(complaint.receivedAt)::timestamptz, now()))
                """)
            return try rows[0].decode((Int64, Bool).self)
        }
    }
}
