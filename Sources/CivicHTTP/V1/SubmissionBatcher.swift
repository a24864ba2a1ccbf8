public import Casework
import Foundation
public import Postgres
import Synchronization

/// Group commit for single submissions: requests that arrive while earlier ones are being
/// stored wait a moment and go to the database together, in one `submit_cases` statement and
/// one transaction (one round trip: ``CaseworkStore/submitAndRead(_:on:)``). Under load this turns hundreds of small transactions into a few larger
/// ones (each waits for one WAL flush); a lone request is stored at once. Should a batch
/// fail, its items are stored one by one, so one bad item fails only its own request.
///
/// `Sendable`: the queue is behind a `Mutex`; the rest is immutable.
public final class SubmissionBatcher: Sendable {
    /// What a submitter gets back: the outcome and, when stored, the case as its system sees it.
    public typealias Result = (outcome: SubmitOutcome, view: IntakeCaseView?)

    private struct Waiting {
        let complaint: NewCase
        let continuation: CheckedContinuation<Result, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var flushers = 0
    }

    private let client: PostgresClient
    private let store: CaseworkStore
    private let maxBatch: Int
    private let maxFlushers: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - maxBatch: most submissions in one transaction. Default 500.
    ///   - maxFlushers: most transactions in flight at once. Default 4.
    public init(client: PostgresClient, store: CaseworkStore, maxBatch: Int = 500, maxFlushers: Int = 4) {
        self.client = client
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.maxFlushers = max(1, maxFlushers)
    }

    /// Stores `complaint` (with others that arrive meanwhile) and returns what became of it.
    public func submit(_ complaint: NewCase) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let startFlusher = state.withLock { state in
                state.waiting.append(Waiting(complaint: complaint, continuation: continuation))
                guard state.flushers < maxFlushers else { return false }
                state.flushers += 1
                return true
            }
            if startFlusher { Task { await self.flush() } }
        }
    }

    private func flush() async {
        while true {
            let batch: [Waiting] = state.withLock { state in
                let taken = Array(state.waiting.prefix(maxBatch))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.flushers -= 1 }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                let results = try await store(batch.map(\.complaint))
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(returning: result) }
            } catch {
                guard batch.count > 1 else {
                    batch[0].continuation.resume(throwing: error)
                    continue
                }
                for waiting in batch {
                    do {
                        waiting.continuation.resume(returning: try await store([waiting.complaint])[0])
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    /// Stores complaints in one round trip; a repeat within the batch gets the first one's case.
    private func store(_ complaints: [NewCase]) async throws -> [Result] {
        var first: [String: Int] = [:]
        var unique: [NewCase] = []
        var slot: [Int] = []
        for complaint in complaints {
            let key = complaint.source + "\u{0}" + complaint.externalID
            if let index = first[key] { slot.append(index) } else {
                first[key] = unique.count
                slot.append(unique.count)
                unique.append(complaint)
            }
        }
        let store = self.store
        let chosen = unique
        let stored = try await client.withConnection { try store.submitAndRead(chosen, on: $0) }
        var seen = Set<Int>()
        return complaints.indices.map { position in
            let index = slot[position]
            var (outcome, view) = stored[index]
            if !seen.insert(index).inserted, case .created(let id) = outcome { outcome = .existing(id) }
            return (outcome, view)
        }
    }
}
