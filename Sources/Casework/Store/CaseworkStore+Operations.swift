import Foundation
public import Postgres

extension CaseworkStore {
    /// The operations snapshot: a handful of statements, each on a small index (open states,
    /// overdue open cases, pending callbacks, recent escalations and intake, open hot spots), so its cost does
    /// not grow with the history.
    public func operations(on connection: PostgresConnection) throws -> OperationsSnapshot {
        var snapshot = OperationsSnapshot()
        let calendar = WorkCalendar(timeZone: try reportingTimeZone(on: connection))
        let midnight = calendar.start(of: calendar.day(of: Date()))
        for row in try connection.query(
            "SELECT state, count(*) FROM cases WHERE \(unsafe: CaseState.notFinalPredicate) GROUP BY state")
        {
            snapshot.casesByState[try row.decode(CaseState.self, at: 0)] = try row.decode(Int.self, at: 1)
        }
        for row in try connection.query(
            """
            SELECT lead_department, count(*) FROM cases
            WHERE state = ANY (case_open_states())
            GROUP BY lead_department
            """)
        {
            snapshot.openByDepartment[try row.decode(String?.self, at: 0) ?? "none", default: 0] += try row.decode(Int.self, at: 1)
        }
        let overdue = try connection.query(
            """
            SELECT lead_department, count(*),
                   count(*) FILTER (WHERE response_overdue AND state IN ('received', 'dispatched', 'returned', 'manual_dispatch')),
                   count(*) FILTER (WHERE resolution_overdue)
            FROM cases
            WHERE (response_overdue OR resolution_overdue)
              AND state = ANY (case_open_states())
            GROUP BY lead_department
            """)
        for row in overdue {
            let department = try row.decode(String?.self, at: 0) ?? "none"
            snapshot.overdueByDepartment[department, default: 0] += try row.decode(Int.self, at: 1)
            snapshot.openEscalations[.response, default: 0] += try row.decode(Int.self, at: 2)
            snapshot.openEscalations[.resolution, default: 0] += try row.decode(Int.self, at: 3)
        }
        let counts = try connection.query(
            """
            SELECT (SELECT count(*) FROM case_events WHERE kind = 'escalated' AND at > now() - interval '1 day'),
                   (SELECT count(*) FROM callbacks WHERE state = 'pending'),
                   (SELECT count(*) FROM callbacks WHERE state = 'pending' AND next_try_at <= now()),
                   (SELECT count(*) FROM cases WHERE received_at > now() - interval '1 minute'),
                   (SELECT count(*) FROM cases WHERE received_at >= \(midnight)),
                   (SELECT count(*) FROM figure_dirty),
                   (\(unsafe: Self.unsealedCount)),
                   (SELECT extract(epoch FROM now() - max(signed_at))::float8 FROM log_checkpoints)
            """)[0]
        snapshot.escalationsLastDay = try counts.decode(Int.self, at: 0)
        snapshot.callbacksPending = try counts.decode(Int.self, at: 1)
        snapshot.callbacksDue = try counts.decode(Int.self, at: 2)
        snapshot.intakeLastMinute = try counts.decode(Int.self, at: 3)
        snapshot.intakeToday = try counts.decode(Int.self, at: 4)
        snapshot.figuresBacklog = try counts.decode(Int.self, at: 5)
        snapshot.logUnsealed = try counts.decode(Int.self, at: 6)
        snapshot.logCheckpointAge = try counts.decode(Double?.self, at: 7)
        snapshot.hotspotsOpen = try openHotspots(on: connection)
        let ledger = try connection.query(
            """
            SELECT count(*) FILTER (WHERE state = 'open'), count(*) FILTER (WHERE state = 'requested'),
                   count(*) FILTER (WHERE deadline <= now())
            FROM ledger_items WHERE state <> 'closed_out'
            """)[0]
        snapshot.ledgerItems = ["open": try ledger.decode(Int.self, at: 0), "requested": try ledger.decode(Int.self, at: 1),
                                "overdue": try ledger.decode(Int.self, at: 2)]
        return snapshot
    }
}
