import Foundation

/// A rate and what it cost: the CPU the client (civicq, or pgbench for a floor) and the
/// PostgreSQL server used per job. The CPU tells which side a gap between civicq and its
/// floor is on, where both share this machine's cores.
struct Throughput {
    /// Jobs per second.
    let rate: Double
    /// Client CPU per job, microseconds.
    let clientMicroseconds: Double
    /// PostgreSQL CPU per job, microseconds (`nil` when no local server was found).
    let postgresMicroseconds: Double?

    /// CPU readings taken before a measurement.
    struct CPU {
        /// Whether the client is a child process (pgbench) rather than this one.
        let children: Bool
        let client: Double
        let postgres: (cpuSeconds: Double, processes: Int)?

        init(children: Bool = false) {
            self.children = children
            client = Self.client(children: children)
            postgres = ProcessStats.postgres()
        }

        /// This process's CPU, or that of the children it has waited for.
        private static func client(children: Bool) -> Double {
            let pid = getpid()
            return children ? ProcessStats.cpuSeconds(pid, reaped: true) - ProcessStats.cpuSeconds(pid) : ProcessStats.cpuSeconds(pid)
        }

        /// The throughput of `jobs` jobs at `rate`, with the CPU used since these readings.
        func throughput(rate: Double, jobs: Int) -> Throughput {
            let perJob = 1_000_000 / Double(max(jobs, 1))
            // A child's server connections end as it exits: wait (2 s at most) until the
            // postmaster has reaped those backends, or their CPU is in neither reading.
            var after = ProcessStats.postgres()
            var waited = 0
            while children, waited < 200, let now = after, let before = postgres, now.processes > before.processes {
                usleep(10_000)
                waited += 1
                after = ProcessStats.postgres()
            }
            let server = after.flatMap { after in postgres.map { (after.cpuSeconds - $0.cpuSeconds) * perJob } }
            return Throughput(rate: rate, clientMicroseconds: (Self.client(children: children) - client) * perJob, postgresMicroseconds: server)
        }
    }
}
