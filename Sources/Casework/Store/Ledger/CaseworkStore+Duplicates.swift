import Foundation
public import Postgres

/// 并单: candidate duplicates, scored in Swift (``DuplicateScorer``) from what the database
/// finds (migration 023), and the routing worker's automatic merge of exact repeats.
extension CaseworkStore {
    /// The scorer as the settings (`duplicates.*`) configure it, and whether exact repeats are
    /// merged automatically.
    public func duplicateSettings(on connection: PostgresConnection) throws -> (scorer: DuplicateScorer, autoMerge: Bool) {
        var values: [String: String] = [:]
        for row in try connection.query("SELECT key, value #>> '{}' FROM settings WHERE key LIKE 'duplicates.%'") {
            let (key, value) = try row.decode((String, String).self)
            values[key] = value
        }
        let defaults = DuplicateScorer()
        func number(_ key: String, _ fallback: Double) -> Double { values["duplicates." + key].flatMap(Double.init) ?? fallback }
        let scorer = DuplicateScorer(
            minScore: number("min_score", defaults.minScore), radius: min(900, number("distance_meters", defaults.radius)),
            repeatSimilarity: number("auto_merge_similarity", defaults.repeatSimilarity),
            repeatWindow: number("auto_merge_hours", defaults.repeatWindow / 3600) * 3600)
        return (scorer, values["duplicates.auto_merge"] == "true")
    }

    /// The likely duplicates of case `id` that the caller may see, best first, with scores and
    /// reasons (`civicq case duplicates`). CQ404/CQ403 for a case that is not there or not theirs.
    public func duplicates(of id: Int64, on connection: PostgresConnection) throws -> [DuplicateMatch] {
        try CaseworkError.translating {
            let scorer = try duplicateSettings(on: connection).scorer
            let candidates = try connection.query("SELECT \(unsafe: Self.candidateColumns) FROM case_duplicates(\(id)) AS d")
                .map { try Self.candidate($0, at: 0) }
            return scorer.rank(try duplicateText(of: id, on: connection), candidates)
        }
    }

    /// A case's text as candidates are compared with it: title, address and the start of the
    /// description (the candidates' are the same, from `duplicate_candidates`).
    public func duplicateText(of id: Int64, on connection: PostgresConnection) throws -> String {
        try connection.query("SELECT concat_ws(' ', title, address, left(description, 600)) FROM cases WHERE id = \(id)")
            .scalar(String.self) ?? ""
    }

    /// The same as ``duplicates(of:on:)`` for the service (no person's view): every candidate.
    public func duplicateCandidates(of id: Int64, limit: Int = 200, on connection: PostgresConnection) throws -> [DuplicateCandidate] {
        try connection.query("SELECT \(unsafe: Self.candidateColumns) FROM duplicate_candidates(\(id), \(limit)::integer) AS d")
            .map { try Self.candidate($0, at: 0) }
    }

    /// Merges every exact repeat among these cases into the case it repeats (routing, with
    /// `duplicates.auto_merge` on). Returns the merged (duplicate, main) pairs.
    public func mergeExactRepeats(_ ids: [Int64], scorer: DuplicateScorer, on connection: PostgresConnection) throws -> [(Int64, Int64)] {
        guard !ids.isEmpty else { return [] }
        var byCase: [Int64: (receivedAt: Date, text: String, candidates: [DuplicateCandidate])] = [:]
        let rows = try connection.query(
            """
            SELECT r.case_id, r.received_at, r.text, \(unsafe: Self.candidateColumns)
            FROM exact_repeat_candidates(\(ids.map { Int($0) }), \(scorer.repeatWindow / 3600)) AS r, LATERAL (SELECT (r.candidate).*) AS d
            """)
        for row in rows {
            let id = try row.decode(Int64.self, at: 0)
            let candidate = try Self.candidate(row, at: 3)
            if byCase[id] == nil { byCase[id] = (try row.decode(Date.self, at: 1), try row.decode(String.self, at: 2), []) }
            byCase[id]?.candidates.append(candidate)
        }
        var merged: [(Int64, Int64)] = []
        for (id, found) in byCase.sorted(by: { $0.key < $1.key }) {
            guard let main = scorer.exactRepeat(of: found.text, receivedAt: found.receivedAt, among: found.candidates) else { continue }
            if try connection.query("SELECT merge_repeat(\(id), \(main.id), \(main.textSimilarity))").scalar(Bool.self) == true {
                merged.append((id, main.id))
            }
        }
        return merged
    }

    /// The columns of a `duplicate_candidate` row named `d`.
    static let candidateColumns = """
        d.id, d.state, d.received_at, d.area_code, d.lead_department, d.same_area, d.same_street, d.distance_m, d.same_caller,
        concat_ws(' ', d.title, d.address, d.description)
        """

    static func candidate(_ row: PostgresRow, at start: Int) throws -> DuplicateCandidate {
        DuplicateCandidate(
            id: try row.decode(Int64.self, at: start), state: try row.decode(CaseState.self, at: start + 1),
            receivedAt: try row.decode(Date.self, at: start + 2), area: try row.decode(String.self, at: start + 3),
            lead: try row.decode(String?.self, at: start + 4), sameArea: try row.decode(Bool.self, at: start + 5),
            sameStreet: try row.decode(Bool.self, at: start + 6), distance: try row.decode(Double?.self, at: start + 7),
            sameCaller: try row.decode(Bool.self, at: start + 8), text: try row.decode(String.self, at: start + 9))
    }
}
