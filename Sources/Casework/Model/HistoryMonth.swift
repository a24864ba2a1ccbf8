import Foundation

/// One month of the event history (`case_events` is partitioned by UTC month, migration 026):
/// where it is and what it holds. `month` is nil for the default partition, which takes
/// events of months that have no partition yet.
public struct HistoryMonth: Sendable, Equatable, Codable {
    public enum Place: String, Sendable, Codable {
        /// A partition of `case_events`: read by every query.
        case live
        /// Detached for archive into `case_events_archived`: read by the log's verification
        /// and export only.
        case archived
        /// The default partition.
        case `default`
    }

    /// `YYYY-MM`, or nil for the default partition.
    public let month: String?
    public let place: Place
    /// Events: counted exactly for the default partition, the planner's estimate (from the
    /// last ANALYZE) for a month.
    public let events: Int64
    /// Table and indexes, in bytes.
    public let bytes: Int64

    public init(month: String?, place: Place, events: Int64, bytes: Int64) {
        self.month = month
        self.place = place
        self.events = events
        self.bytes = bytes
    }
}
