import Casework
import Foundation

/// A case in `/v1` answers: the intake system's view plus links.
struct CaseResource: Encodable {
    let view: IntakeCaseView

    init(_ view: IntakeCaseView) { self.view = view }

    struct Links: Encodable {
        let `self`: String
        let events: String
    }

    private enum CodingKeys: String, CodingKey { case links }

    func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Links(self: "/v1/cases/\(view.id)", events: "/v1/cases/\(view.id)/events"), forKey: .links)
    }
}

/// The answer to `POST /v1/cases`: the case, and whether this request created it. Deadlines
/// are null until the case is routed (a moment later): poll `links.self` for them.
struct SubmittedCase: Encodable {
    let resource: CaseResource
    let created: Bool

    init(_ view: IntakeCaseView, created: Bool) {
        self.resource = CaseResource(view)
        self.created = created
    }

    private enum CodingKeys: String, CodingKey { case created }

    func encode(to encoder: any Encoder) throws {
        try resource.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(created, forKey: .created)
    }
}

/// A page of cases; `next` is the link to the following page, or null on the last.
struct CaseList: Encodable {
    let cases: [CaseResource]
    let next: String?

    private enum CodingKeys: String, CodingKey { case cases, next }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cases, forKey: .cases)
        try container.encode(next, forKey: .next)
    }
}

struct EventList: Encodable {
    let events: [PublicCaseEvent]
}
