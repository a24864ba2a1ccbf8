import Foundation

extension JobWorker {
    /// How a worker runs. Value type; any thread. Every default is stated.
    public struct Configuration: Sendable {
        /// The queues to work, in order of preference when slots are scarce. Default `["default"]`.
        public var queues: [String]
        /// Jobs run at once. Default 10.
        public var concurrency: Int
        /// Most jobs claimed in one statement. Default 500.
        public var claimBatch: Int
        /// How long a claim holds a job before others may take it back. The worker renews it
        /// every ``heartbeatInterval``; a dead worker's jobs return after it ends (plus up to
        /// ``maintenanceInterval``). Default 30 s.
        public var lease: Duration
        /// How often leases are renewed. Default 10 s (a third of the lease).
        public var heartbeatInterval: Duration
        /// How long an idle worker waits for a wake-up before looking anyway. Default 1 s.
        public var pollInterval: Duration
        /// On graceful shutdown, how long running jobs may take before they are cancelled and
        /// released. Default 25 s.
        public var gracePeriod: Duration
        /// Backoff between attempts. Default ``RetryPolicy/init(base:cap:jitter:)`` (1 s doubling to 1 h, ±10 %).
        public var retry: RetryPolicy
        /// Keep completed jobs in `job_history`. Default false: completed jobs are deleted.
        public var keepHistory: Bool
        /// How long kept history stays. Default 24 h.
        public var historyRetention: Duration
        /// Run rescue, staging, pruning, vacuum checks and gauges in this process. Default true
        /// (safe with many processes: each step is guarded).
        public var runsMaintenance: Bool
        /// How often maintenance runs. Default 5 s.
        public var maintenanceInterval: Duration
        /// Vacuum the jobs table when it has more dead row versions than this. Default 50,000.
        public var vacuumThreshold: Int
        /// Names this process in `locked_by` and the throughput counters. Default host:pid:random.
        public var workerID: String

        public init(
            queues: [String] = ["default"], concurrency: Int = 10, claimBatch: Int = 500,
            lease: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(10), pollInterval: Duration = .seconds(1),
            gracePeriod: Duration = .seconds(25), retry: RetryPolicy = RetryPolicy(), keepHistory: Bool = false,
            historyRetention: Duration = .seconds(86_400), runsMaintenance: Bool = true,
            maintenanceInterval: Duration = .seconds(5), vacuumThreshold: Int = 50_000, workerID: String? = nil
        ) {
            self.queues = queues.isEmpty ? ["default"] : queues
            self.concurrency = max(1, concurrency)
            self.claimBatch = max(1, claimBatch)
            self.lease = lease
            self.heartbeatInterval = heartbeatInterval
            self.pollInterval = pollInterval
            self.gracePeriod = gracePeriod
            self.retry = retry
            self.keepHistory = keepHistory
            self.historyRetention = historyRetention
            self.runsMaintenance = runsMaintenance
            self.maintenanceInterval = maintenanceInterval
            self.vacuumThreshold = vacuumThreshold
            self.workerID = workerID ?? Self.defaultWorkerID()
        }

        static func defaultWorkerID() -> String {
            let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
            return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(6).lowercased())"
        }
    }
}
