import Casework
import Crypto
import Foundation
import Hummingbird
import Postgres

extension Open311Routes {
    /// POST requests: a form (urlencoded or multipart) with `api_key` (in the form or the query),
    /// `service_code`, a location (`lat`+`long`, `address_string` or `address_id`), optional
    /// `description`, contact fields, `media_url` and `attribute[CODE]` answers. The same form
    /// sent again on the same day returns the same request (a client's retry makes no duplicate).
    @Sendable func submit(_ call: Call) async throws -> Response {
        let (request, format) = (call.request, call.format)
        var fields = call.query
        let contentType = request.headers[.contentType] ?? "application/x-www-form-urlencoded"
        guard contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") || contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw Open311Failure(.badRequest, "send the request as application/x-www-form-urlencoded or multipart/form-data")
        }
        fields.merge(try FormFields(body: try await BodyReader.bytes(request, limit: Self.maxPostBytes, timeout: configuration.bodyTimeout), contentType: contentType))
        guard let key = fields["api_key"] else { throw Open311Failure(.forbidden, "api_key is required to submit a request") }
        let caller = try await gatekeeper.admit(key, from: call.address)
        guard caller.may(.open311Write) else { throw Open311Failure(.forbidden, "this api_key may not submit requests") }
        guard let code = fields["service_code"] else { throw Open311Failure(.badRequest, "service_code is required") }
        let reads = self.reads
        guard let service = try await client.withConnection({ try reads.services(code: code, on: $0) }).first else {
            throw Open311Failure(.notFound, "there is no service \(code)")
        }
        let complaint = try complaint(from: fields, service: service, source: caller.source)
        let store = self.store
        let outcome = try await client.withTransaction { try store.submit([complaint], on: $0)[0] }
        guard let id = outcome.caseID else { throw Open311Failure(.notFound, "there is no service \(code)") }
        let created = if case .created = outcome { true } else { false }
        let item = Open311Node.element([
            ("service_request_id", .text(String(id))),
            ("service_notice", .text("received; it will be routed to the responsible department")),
            ("account_id", .text(fields["account_id"])),
        ])
        return format.response(.list(item: "request", [item]), root: "service_requests", status: created ? .created : .ok)
    }

    /// The case a form describes, validated by the same rules as `/v1` (errors name the
    /// form's fields).
    func complaint(from fields: FormFields, service: Open311Store.Service, source: String) throws -> NewCase {
        var errors: [String] = []
        let latitude = fields["lat"].map(Double.init)
        let longitude = fields["long"].map(Double.init)
        if latitude == .some(nil) { errors.append("lat must be a number") }
        if longitude == .some(nil) { errors.append("long must be a number") }
        let hasPoint = (latitude ?? nil) != nil && (longitude ?? nil) != nil
        if !hasPoint, fields["address_string"] == nil, fields["address_id"] == nil {
            errors.append("a location is required: lat and long, address_string or address_id")
        }
        if let media = fields["media_url"], URL(string: media).map({ ["http", "https"].contains($0.scheme?.lowercased() ?? "") }) != true || media.count > 2000 {
            errors.append("media_url must be an http or https URL of at most 2000 characters")
        }
        let answers = fields.attributes
        let defined = Set(service.attributes.map(\.code))
        for code in answers.keys.sorted() where !defined.contains(code) { errors.append("attribute[\(code)] is not an attribute of service \(service.code)") }
        var stored: [String: JSONValue] = [:]
        for attribute in service.attributes {
            let given = answers[attribute.code] ?? []
            if let problem = attribute.problem(with: given) { errors.append("attribute[\(attribute.code)] \(problem)") }
            let values = given.filter { !$0.isEmpty }
            if !values.isEmpty { stored[attribute.code] = attribute.datatype == "multivaluelist" ? .array(values.map { .string($0) }) : .string(values[0]) }
        }
        var document: [String: JSONValue] = [
            "external_id": .string(Self.externalID(fields, service: service.code)),
            "category": .string(service.code),
            "area": .string(configuration.open311.defaultArea),
            "title": .string(String(service.name.prefix(200))),
            "description": .string(fields["description"] ?? service.name),
            "channel": .string("open311"),
        ]
        if hasPoint, let latitude = latitude ?? nil, let longitude = longitude ?? nil {
            document["latitude"] = .number(latitude)
            document["longitude"] = .number(longitude)
        }
        if let address = fields["address_string"] ?? fields["address_id"].map({ "address_id \($0)" }) { document["address"] = .string(address) }
        var citizen: [String: JSONValue] = [:]
        let name = [fields["last_name"], fields["first_name"]].compactMap { $0 }.joined(separator: " ")
        if !name.isEmpty { citizen["name"] = .string(name) }
        if let phone = fields["phone"] { citizen["phone"] = .string(phone) }
        if !citizen.isEmpty { document["citizen"] = .object(citizen) }
        switch validator.validate(.object(document), source: source) {
        case .success(var complaint):
            guard errors.isEmpty else { throw Open311Failure(.badRequest, errors) }
            complaint.attributes = stored.isEmpty ? nil : stored
            complaint.mediaURL = fields["media_url"]
            return complaint
        case .failure(let invalid):
            throw Open311Failure(.badRequest, errors + invalid.errors.map { Self.formName($0) })
        }
    }

    /// A validation message with the form's field name instead of civicq's.
    static func formName(_ error: FieldError) -> String {
        let names = ["/description": "description", "/citizen/phone": "phone", "/citizen/name": "first_name and last_name",
                     "/latitude": "lat", "/longitude": "long", "/address": "address_string"]
        guard let name = names[error.field] else { return error.message }
        return name + error.message.drop { $0 != " " && $0 != ":" }
    }

    /// The same request sent again on the same day (UTC) gets the same id: a hash of the
    /// service, the location, the description, the contact and the device.
    static func externalID(_ fields: FormFields, service: String) -> String {
        let day = Date().formatted(Date.ISO8601FormatStyle().year().month().day())
        let parts = [service, day] + ["lat", "long", "address_string", "address_id", "description", "email", "phone",
                                      "first_name", "last_name", "device_id", "account_id", "media_url"].map { fields[$0] ?? "" }
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8))
        return "o311-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
