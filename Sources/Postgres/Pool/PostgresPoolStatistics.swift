/// A pool's counts, read by ``PostgresClient/statistics`` for metrics and `civicq top`.
public struct PostgresPoolStatistics: Sendable, Equatable {
    /// Connections the pool may open.
    public var size: Int
    /// Connections lent out now.
    public var leased: Int
    /// Callers waiting for a connection now.
    public var waiting: Int
    /// Connections lent out since the pool was made.
    public var leases: UInt64
    /// Leases that had to wait in line (more than a millisecond) for a connection.
    public var waits: UInt64
    /// Seconds spent waiting in line, summed over those leases.
    public var waitSeconds: Double

    public init(size: Int, leased: Int, waiting: Int, leases: UInt64, waits: UInt64, waitSeconds: Double) {
        self.size = size
        self.leased = leased
        self.waiting = waiting
        self.leases = leases
        self.waits = waits
        self.waitSeconds = waitSeconds
    }
}
