public import Foundation
public import Postgres

/// 台账: what people do to ledger items. Each call is one definer function (migration 024):
/// the database decides who may, on the connection's login.
extension CaseworkStore {
    /// A new item from the office, with cases linked, or from a hot spot (its cases linked).
    public func newLedgerItem(
        _ item: NewLedgerItem, cases: [Int64] = [], hotspot: Int64? = nil, on connection: PostgresConnection
    ) throws -> Int64 {
        guard let due = CalendarDay(item.due) else { throw CaseworkError(.badInput, "the deadline \(item.due) is not a date (YYYY-MM-DD)") }
        let id = try connection.query(
            """
            SELECT ledger_new(\(item.title), \(item.place), \(item.area), \(item.lead), \(item.assisting),
                              \(due.description)::date, \(item.source), \(cases), \(hotspot))
            """).scalar(Int64.self)
        guard let id else { throw CaseworkError(.badInput, "the item was not created") }
        return id
    }

    /// What the import of a list found: the problems of its lines, or the items it created.
    public struct LedgerImportOutcome: Sendable, Equatable, Codable {
        public var problems: [ImportFile.Reject]
        /// Each line with the item it became (empty when anything was wrong, or on a check).
        public var created: [Created]
        public struct Created: Sendable, Equatable, Codable {
            public var line: Int
            public var item: Int64
        }
    }

    /// Imports a campaign's list all or nothing: the database checks every line (units,
    /// dates, working days) and stores them only when none is wrong and `store`. The lines
    /// that could not be read (`list.problems`) are reported with the database's, and stop
    /// the import as well.
    public func importLedger(_ list: LedgerList, source: String, store: Bool, on connection: PostgresConnection) throws -> LedgerImportOutcome {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let rows = String(decoding: try encoder.encode(list.rows), as: UTF8.self)
        var problems = list.problems
        var created: [LedgerImportOutcome.Created] = []
        let storing = store && list.problems.isEmpty
        for row in try connection.query("SELECT line, item, problem FROM ledger_import(\(rows)::jsonb, \(source), \(storing))") {
            let (line, item, problem) = try row.decode((Int, Int64?, String?).self)
            if let problem { problems.append(ImportFile.Reject(line: line, reason: problem)) }
            if let item { created.append(.init(line: line, item: item)) }
        }
        return LedgerImportOutcome(problems: problems.sorted { $0.line < $1.line }, created: created)
    }

    /// The office links more cases; returns how many were new to the item.
    @discardableResult
    public func linkLedgerCases(_ item: Int64, cases: [Int64], on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT ledger_link(\(item), \(cases))").scalar(Int.self) ?? 0
    }

    /// A progress note (the lead or an assisting unit, or the office).
    @discardableResult
    public func ledgerProgress(_ item: Int64, note: String, on connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT ledger_progress(\(item), \(note))").scalar(Int64.self) ?? 0
    }

    /// One evidence file of a close-out request: its name (the database reads its type from
    /// the bytes, and the name's extension must agree) and its bytes.
    public struct EvidenceFile: Sendable {
        public var name: String
        public var bytes: Data
        public init(name: String, bytes: Data) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// 销号 asked by the lead unit, with what was done and the evidence; returns the event.
    @discardableResult
    public func requestCloseOut(_ item: Int64, note: String, files: [EvidenceFile], on connection: PostgresConnection) throws -> Int64 {
        var query = PostgresQuery(unsafeSQL: "SELECT ledger_request_close_out($1, $2, $3, ARRAY[")
        query.binds.append(item)
        query.binds.append(note)
        query.binds.append(files.map(\.name))
        for (index, file) in files.enumerated() {
            query.binds.append(file.bytes)
            query.sql += (index == 0 ? "" : ", ") + "$\(query.binds.count)::bytea"
        }
        query.sql += "]::bytea[])"
        return try connection.query(query).scalar(Int64.self) ?? 0
    }

    /// The office approves (closed out) or refuses, with a reason, a close-out request;
    /// returns the item's new state.
    @discardableResult
    public func decideCloseOut(_ item: Int64, approve: Bool, note: String?, on connection: PostgresConnection) throws -> LedgerItemState {
        let state = try connection.query("SELECT ledger_decide(\(item), \(approve), \(note))").scalar(String.self)
        return state.flatMap(LedgerItemState.init(rawValue:)) ?? .open
    }
}
