public import Foundation
public import Postgres

/// What people do to cases: each a SECURITY DEFINER function (migrations 005 and 006) that
/// checks the caller's role and department in the database. Refusals become ``CaseworkError``.
extension CaseworkStore {
    /// The caller as the database sees them: login, department, role (nil: not a civicq user).
    public func actor(on connection: PostgresConnection) throws -> (login: String, department: String?, role: StaffRole?) {
        let row = try connection.query("SELECT login, department_code, role FROM current_actor()")[0]
        let (login, department, role) = try row.decode((String, String?, String?).self)
        return (login, department, role.flatMap(StaffRole.init(rawValue:)))
    }

    public func accept(_ id: Int64, on connection: PostgresConnection) throws -> CaseState {
        try state(connection, "SELECT case_accept(\(id))")
    }

    public func note(_ id: Int64, text: String, public isPublic: Bool, on connection: PostgresConnection) throws {
        _ = try CaseworkError.translating { try connection.query("SELECT case_note(\(id), \(text), \(isPublic))") }
    }

    public func resolve(_ id: Int64, reply: String, on connection: PostgresConnection) throws -> CaseState {
        try state(connection, "SELECT case_resolve(\(id), \(reply))")
    }

    public func `return`(_ id: Int64, reasonCode: String, text: String, on connection: PostgresConnection) throws -> CaseState {
        try state(connection, "SELECT case_return(\(id), \(reasonCode), \(text))")
    }

    /// Asks for a later resolution deadline. Returns the request's id.
    public func requestExtension(_ id: Int64, until: Date, reason: String, on connection: PostgresConnection) throws -> Int64 {
        try CaseworkError.translating {
            try connection.query("SELECT case_request_extension(\(id), \(until), \(reason))").scalar(Int64.self) ?? 0
        }
    }

    /// Approves or refuses an extension request. Returns `approved` or `refused`.
    public func decideExtension(_ id: Int64, approve: Bool, reason: String?, on connection: PostgresConnection) throws -> String {
        try CaseworkError.translating {
            try connection.query("SELECT extension_decide(\(id), \(approve), \(reason))").scalar(String.self) ?? ""
        }
    }

    public func assign(_ id: Int64, lead: String, assists: [String], reason: String?, on connection: PostgresConnection) throws -> CaseState {
        try state(connection, "SELECT case_assign(\(id), \(lead), \(assists), \(reason))")
    }

    public func merge(_ duplicate: Int64, into main: Int64, on connection: PostgresConnection) throws -> CaseState {
        try state(connection, "SELECT case_merge(\(duplicate), \(main))")
    }

    /// Withdraws or rejects a case.
    public func end(_ id: Int64, action: CaseAction, reason: String, on connection: PostgresConnection) throws -> CaseState {
        guard action == .withdraw || action == .reject else { throw CaseworkError(.badInput, "only withdraw or reject end a case") }
        return try state(connection, "SELECT case_end(\(id), \(action.rawValue), \(reason))")
    }

    /// The citizen's name and phone (recorded as an event).
    public func contact(_ id: Int64, on connection: PostgresConnection) throws -> (name: String?, phone: String?) {
        try CaseworkError.translating {
            try connection.query("SELECT citizen_name, citizen_phone FROM case_contact(\(id))")[0].decode((String?, String?).self)
        }
    }

    /// The next callback due, held for the caller for a while; nil when none is due.
    public func nextCallback(on connection: PostgresConnection) throws -> CallbackTask? {
        let json = try CaseworkError.translating { try connection.query("SELECT callback_next()").scalar(PostgresJSONB?.self) ?? nil }
        return try json.map { try $0.decode(CallbackTask.self) }
    }

    /// What the citizen said, or that they could not be reached. Returns `closed`, `reopened`,
    /// `retry` or `unanswered`.
    public func recordCallback(
        _ id: Int64, answer: CallbackAnswer, noReopen: Bool = false, on connection: PostgresConnection
    ) throws -> String {
        let (unreachable, solved, rating): (Bool, Bool?, String?) = switch answer {
        case .unreachable: (true, nil, nil)
        case .answered(let solved, let rating): (false, solved, rating.rawValue)
        }
        return try CaseworkError.translating {
            try connection.query("SELECT callback_record(\(id), \(unreachable), \(solved), \(rating), \(noReopen))").scalar(String.self) ?? ""
        }
    }

    private func state(_ connection: PostgresConnection, _ query: PostgresQuery) throws -> CaseState {
        try CaseworkError.translating {
            guard let state = try connection.query(query).scalar(CaseState.self) else {
                throw CaseworkError(.notFound, "the case did not answer")
            }
            return state
        }
    }
}

/// A citizen's answer to the callback.
public enum CallbackAnswer: Sendable, Equatable {
    case answered(solved: Bool, rating: CallbackRating)
    case unreachable
}

/// A callback an agent is to make.
public struct CallbackTask: Sendable, Codable, Equatable {
    public let `case`: Int64
    public let callback: Int64
    public let tries: Int
    public let title: String
    public let reply: String?
    public let lead_department: String?
    public let citizen_name: String?
    public let citizen_phone: String?
}
