internal import CLibPQ
import Logging

/// Receives the server's notices and warnings for one connection and logs them through
/// swift-log instead of libpq's default, which writes to stderr.
///
/// Owned by its ``PostgresConnection``, which keeps it alive for as long as libpq may call the
/// receiver; called only on that connection's thread.
final class PostgresNoticeSink {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func receive(_ result: OpaquePointer) {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let severity = field(CLIBPQ_DIAG_SEVERITY) ?? "NOTICE"
        let state = field(CLIBPQ_DIAG_SQLSTATE) ?? ""
        let message = field(CLIBPQ_DIAG_MESSAGE_PRIMARY) ?? ""
        let level: Logger.Level =
            switch severity {
            case "WARNING": .warning
            case "FATAL", "PANIC", "ERROR": .error
            case "DEBUG", "LOG": .debug
            default: .info
            }
        logger.log(level: level, "postgres \(severity.lowercased()): \(message)", metadata: ["db.sqlstate": .string(state)])
    }
}

/// The C callback libpq calls for each notice; `context` is the connection's ``PostgresNoticeSink``.
let postgresNoticeReceiver: PQnoticeReceiver = { context, result in
    guard let context, let result else { return }
    Unmanaged<PostgresNoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
}
