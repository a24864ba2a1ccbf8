public import Foundation

/// An open case past one of its deadlines, for the dashboard's list: no title, no citizen
/// (the page may hang on a wall), only what a director acts on.
public struct OverdueCase: Sendable, Equatable {
    public enum Clock: String, Sendable { case response, resolution }

    public let id: Int64
    public let department: String?
    public let clock: Clock
    /// When the clock ran out (nil if its deadline is not recorded).
    public let since: Date?

    public init(id: Int64, department: String?, clock: Clock, since: Date?) {
        self.id = id
        self.department = department
        self.clock = clock
        self.since = since
    }
}
