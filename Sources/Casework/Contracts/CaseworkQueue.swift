/// The queues civicq's jobs wait in. Workers name them with `--queues`; each job kind has one
/// (``CaseworkJobKind/queue``).
public enum CaseworkQueue: String, Sendable, CaseIterable, Codable {
    /// `case.route`: new and returned cases.
    case routing
    /// `case.clock`, `case.reclock` and `callback.expire`: the deadlines.
    case clocks
    /// `department.webhook`: POSTs to departments.
    case webhooks
    /// `figures.rollup`: the perpetual rollup.
    case figures
    /// `log.seal`: the perpetual sealer (only workers with the signing key).
    case log
    /// Jobs enqueued without a queue.
    case `default`

    /// What `civicq worker` works unless told otherwise: everything but the log, which needs
    /// the signing key.
    public static let workerDefault: [CaseworkQueue] = [.routing, .clocks, .webhooks, .figures, .default]
}
