import Casework
public import Foundation
public import Postgres

extension ReplicaLag {
    /// How old what was read on the standby is, as `civicq top` and the dashboard say it:
    /// "caught up", or "as of 2026-12-03 08:40:11 +08:00, 4 s behind (12 kB of WAL)", the
    /// time in the installation's reporting time zone.
    public func summary(in timeZone: TimeZone) -> String {
        guard bytes > 0 else { return "caught up" }
        let behind = seconds < 120 ? "\(Int(seconds.rounded())) s" : Presentation.span(seconds)
        let size = bytes < 1024 * 1024 ? "\(max(1, bytes / 1024)) kB" : "\(bytes / (1024 * 1024)) MB"
        return "as of \(Presentation.local(asOf, in: timeZone, seconds: true)), \(behind) behind (\(size) of WAL)"
    }
}
