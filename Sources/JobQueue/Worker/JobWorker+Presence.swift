import Foundation
import Logging
import Postgres

extension JobWorker {
    /// Keeps this process's row in `workers` fresh (every maintenance interval) so that
    /// `civicq top` and `/metrics` see it alive, and removes it on a clean stop. A killed
    /// worker's row goes stale and is no longer counted after ``JobStore/workerSilenceLimit``.
    func presenceLoop() async {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        var failures = 0
        while !isFinished, !Task.isCancelled {
            let running = runningCount
            do {
                try await client.withConnection { [store, configuration] connection in
                    try store.announce(
                        worker: configuration.workerID, host: host, pid: pid, queues: configuration.queues,
                        concurrency: configuration.concurrency, running: running, on: connection)
                }
                failures = 0
            } catch {
                failures += 1
                // Said once per outage: the claim loop reports the database's state as well.
                if failures == 1 { logger.warning("could not refresh this worker's presence", metadata: ["error": "\(error)"]) }
            }
            await background.wait(timeout: configuration.maintenanceInterval)
        }
        do {
            try await client.withConnection { [store, configuration] in try store.retire(worker: configuration.workerID, on: $0) }
        } catch {
            logger.debug("could not remove this worker's presence row; it goes stale", metadata: ["error": "\(error)"])
        }
    }
}
