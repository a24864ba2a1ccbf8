public import Foundation

/// Turns a submitted JSON document into a ``NewCase``, or says everything wrong with it.
/// The JSON Schema (`schemas/json/case.schema.json`) gives the shape; this adds what a schema
/// cannot say: text that is only blanks or holds control characters (a description may keep
/// tabs and line breaks, one-line fields may not), and a received time in
/// the window (at most `futureTolerance` ahead, at most `maximumAge` back). Whether the
/// category exists is the database's to say (`submit_cases` reports an unknown one).
///
/// `Sendable`: immutable.
public struct IntakeValidator: Sendable {
    public let schema: JSONSchema
    /// How far ahead of the server's clock `received_at` may be. Default 5 minutes.
    public var futureTolerance: TimeInterval
    /// How old `received_at` may be. Default 366 days.
    public var maximumAge: TimeInterval

    public init(schema: JSONSchema, futureTolerance: TimeInterval = 300, maximumAge: TimeInterval = 366 * 86_400) {
        self.schema = schema
        self.futureTolerance = futureTolerance
        self.maximumAge = maximumAge
    }

    /// The complaint in `document` from `source`, or its errors (fields as JSON Pointers under
    /// `pointer`, e.g. `/cases/3` for an item of a batch).
    public func validate(_ document: JSONValue, source: String, at pointer: String = "", now: Date = Date()) -> Result<NewCase, InvalidSubmission> {
        var errors = schema.validate(document, at: pointer)
        guard case .object = document else { return .failure(InvalidSubmission(errors)) }
        let failed = Set(errors.map(\.field))
        func text(_ name: String, in object: JSONValue? = document, under base: String = "", multiline: Bool = false) -> String? {
            let field = "\(pointer)\(base)/\(name)"
            guard let value = object?[name]?.stringValue, !failed.contains(field) else { return nil }
            if value.unicodeScalars.contains(where: multiline ? Self.isForbiddenControl : Self.isControl) {
                errors.append(FieldError(field: field, code: "control", message: "\(FieldError.label(field)) contains control characters"))
            } else if value.allSatisfy(\.isWhitespace) {
                errors.append(FieldError(field: field, code: "blank", message: "\(FieldError.label(field)) must not be blank"))
            }
            return value
        }
        let externalID = text("external_id")
        let category = text("category")
        let area = text("area")
        let title = text("title")
        let description = text("description", multiline: true)
        let address = text("address")
        let citizen = document["citizen"]
        let name = text("name", in: citizen, under: "/citizen")
        let phone = citizen?["phone"]?.stringValue
        var receivedAt: Date?
        if let stamp = document["received_at"]?.stringValue, let date = ISODate.parse(stamp) {
            let field = "\(pointer)/received_at"
            if date.timeIntervalSince(now) > futureTolerance {
                errors.append(FieldError(field: field, code: "future", message: "received_at is in the future"))
            } else if now.timeIntervalSince(date) > maximumAge {
                errors.append(FieldError(field: field, code: "too_old", message: "received_at is more than \(Int(maximumAge / 86_400)) days ago"))
            }
            receivedAt = date
        }
        guard errors.isEmpty, let externalID, let category, let area, let title, let description else {
            return .failure(InvalidSubmission(errors))
        }
        return .success(NewCase(
            source: source, externalID: externalID, category: category, area: area, title: title, description: description,
            channel: document["channel"]?.stringValue ?? "phone", citizenName: name, citizenPhone: phone, address: address,
            latitude: document["latitude"]?.numberValue, longitude: document["longitude"]?.numberValue,
            priority: document["priority"]?.stringValue ?? "normal", receivedAt: receivedAt))
    }

    /// Any C0 or C1 control, tab, CR and LF included, and U+FFFD: what one-line fields (title,
    /// address, name) refuse. A title with a line break could forge a line in a log, a CSV
    /// export or a webhook's text.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0xFFFD: true
        default: false
        }
    }

    /// C0 and C1 controls other than tab, line feed and carriage return, and U+FFFD (what a
    /// decoder leaves of invalid bytes): what the description refuses.
    static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F, 0xFFFD: true
        default: false
        }
    }
}
