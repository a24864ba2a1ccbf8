import Casework
import Postgres

/// A batch of cases (`POST /v1/cases:batch`, body `{"cases": [...]}`): every item validated
/// first; the valid ones stored in one statement, the others refused with their reasons. A
/// retry of the same batch finds every stored item again, so nothing is created twice.
struct BatchIntake {
    /// Per item: the complaint to store, or its errors.
    let items: [Result<NewCase, InvalidSubmission>]

    init(_ document: JSONValue, source: String, validator: IntakeValidator, maxItems: Int) throws {
        guard case .object(let members) = document else {
            throw Problem.invalid([FieldError(field: "", code: "type", message: "the body must be an object with a list of cases")])
        }
        for key in members.keys where key != "cases" {
            throw Problem.invalid([FieldError(field: "/\(key)", code: "additionalProperties", message: "\(key) is not a known field")])
        }
        guard case .array(let list)? = members["cases"] else {
            throw Problem.invalid([FieldError(field: "/cases", code: "required", message: "cases is required: a list of 1 to \(maxItems) cases")])
        }
        guard (1...maxItems).contains(list.count) else {
            throw Problem.invalid([FieldError(field: "/cases", code: "maxItems", message: "cases must have 1 to \(maxItems) items")])
        }
        var firstIndex: [String: Int] = [:]
        items = list.enumerated().map { index, element in
            let result = validator.validate(element, source: source, at: "/cases/\(index)")
            guard case .success(let complaint) = result else { return result }
            if let first = firstIndex[complaint.externalID] {
                return .failure(InvalidSubmission([FieldError(
                    field: "/cases/\(index)/external_id", code: "duplicate", message: "external_id repeats item \(first) of this batch")]))
            }
            firstIndex[complaint.externalID] = index
            return result
        }
    }

    /// Stores the valid items; the answer lists every item in order.
    func store(with store: CaseworkStore, on connection: PostgresConnection) throws -> BatchResults {
        let valid = items.enumerated().compactMap { index, item in (try? item.get()).map { (index, $0) } }
        let outcomes = try store.submit(valid.map(\.1), on: connection)
        var results = items.enumerated().map { index, item -> BatchResults.Item in
            if case .failure(let invalid) = item { return .init(index: index, status: "refused", id: nil, errors: invalid.errors) }
            return .init(index: index, status: "refused", id: nil, errors: [])
        }
        for ((index, _), outcome) in zip(valid, outcomes) {
            switch outcome {
            case .created(let id): results[index] = .init(index: index, status: "created", id: id, errors: nil)
            case .existing(let id): results[index] = .init(index: index, status: "existing", id: id, errors: nil)
            case .unknownCategory:
                results[index] = .init(index: index, status: "refused", id: nil, errors: [
                    FieldError(field: "/cases/\(index)/category", code: "unknown", message: "category is not a known category code"),
                ])
            }
        }
        return BatchResults(items: results)
    }
}

/// The answer to a batch: counts, and one entry per item in order.
struct BatchResults: Encodable {
    struct Item: Encodable {
        let index: Int
        /// created, existing or refused.
        let status: String
        let id: Int64?
        let errors: [FieldError]?
    }

    let items: [Item]

    private enum CodingKeys: String, CodingKey { case items, created, existing, refused }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(items.count { $0.status == "created" }, forKey: .created)
        try container.encode(items.count { $0.status == "existing" }, forKey: .existing)
        try container.encode(items.count { $0.status == "refused" }, forKey: .refused)
    }
}
