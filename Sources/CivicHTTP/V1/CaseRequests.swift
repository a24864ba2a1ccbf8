import Casework
import Foundation
import Hummingbird
import HummingbirdCore

/// The query of `GET /v1/cases`: `state` (comma-separated), `external_id`, `updated_since`
/// (RFC 3339), `limit` (1–200, default 50) and `after` (the cursor the previous page gave).
enum CaseListQuery {
    static func filter(from query: Parameters) throws -> IntakeCaseFilter {
        var filter = IntakeCaseFilter()
        var errors: [FieldError] = []
        if let states = query.get("state"), !states.isEmpty {
            for name in states.split(separator: ",") {
                if let state = CaseState(rawValue: String(name)) { filter.states.append(state) } else {
                    errors.append(FieldError(field: "state", code: "enum", message: "state must be a case state, such as received or dispatched"))
                }
            }
        }
        if let externalID = query.get("external_id"), !externalID.isEmpty { filter.externalID = externalID }
        if let since = query.get("updated_since"), !since.isEmpty {
            if let date = ISODate.parse(since) { filter.updatedSince = date } else {
                errors.append(FieldError(field: "updated_since", code: "format", message: "updated_since must be a date and time with a time zone"))
            }
        }
        if let limit = query.get("limit"), !limit.isEmpty {
            if let number = Int(limit), (1...200).contains(number) { filter.limit = number } else {
                errors.append(FieldError(field: "limit", code: "range", message: "limit must be a whole number from 1 to 200"))
            }
        }
        if let after = query.get("after"), !after.isEmpty {
            if let number = Int64(after), number >= 0 { filter.after = number } else {
                errors.append(FieldError(field: "after", code: "format", message: "after must be a case id"))
            }
        }
        guard errors.isEmpty else { throw Problem(.badRequest, type: "urn:civicq:problem:invalid-query", title: "Invalid query", detail: errors.map(\.message).joined(separator: "; "), errors: errors) }
        return filter
    }

    /// The link to the page after `id`, keeping the other parameters.
    static func nextLink(_ uri: URI, after id: Int64) -> String {
        var items = uri.queryParameters.filter { $0.key != "after" }.map { "\($0.key)=\(Self.escape(String($0.value)))" }
        items.append("after=\(id)")
        return uri.path + "?" + items.joined(separator: "&")
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? text
    }
}

/// The body of `POST /v1/cases/{id}/callback`: `{"reached": false}` when the citizen could not
/// be reached, else `{"solved": true|false, "rating": "satisfied"|"basic"|"dissatisfied"}`.
struct CallbackAnswer {
    let reached: Bool
    let solved: Bool?
    let rating: String?

    init(_ document: JSONValue) throws {
        guard case .object(let members) = document else {
            throw Problem.invalid([FieldError(field: "", code: "type", message: "the body must be an object")])
        }
        var errors: [FieldError] = []
        for key in members.keys where !["reached", "solved", "rating"].contains(key) {
            errors.append(FieldError(field: "/\(key)", code: "additionalProperties", message: "\(key) is not a known field"))
        }
        if let value = members["reached"], value.boolValue == nil {
            errors.append(FieldError(field: "/reached", code: "type", message: "reached must be a boolean"))
        }
        reached = members["reached"]?.boolValue ?? true
        solved = members["solved"]?.boolValue
        rating = members["rating"]?.stringValue
        if reached {
            if solved == nil { errors.append(FieldError(field: "/solved", code: "required", message: "solved (true or false) is required when the citizen was reached")) }
            if !["satisfied", "basic", "dissatisfied"].contains(rating ?? "") {
                errors.append(FieldError(field: "/rating", code: "enum", message: "rating must be one of: satisfied, basic, dissatisfied"))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
    }
}
