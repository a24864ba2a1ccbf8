public import Casework
public import Foundation
public import Postgres

extension ReplicaLag {
    /// How old what was read on the standby is, as `civicq top` and the dashboard say it:
    /// "caught up", or "as of 2026-12-03 08:40:11 +08:00, 4 s behind (12 kB of WAL)", the
    /// time in the installation's reporting time zone.
    public func summary(in timeZone: TimeZone, language: Language = .en) -> String {
        guard bytes > 0 else { return language.pick("caught up", "已追上") }
        let behind = seconds < 120 ? "\(Int(seconds.rounded()))" + language.pick(" s", " 秒") : Presentation.span(seconds, language: language)
        let size = bytes < 1024 * 1024 ? "\(max(1, bytes / 1024)) kB" : "\(bytes / (1024 * 1024)) MB"
        let asOf = Presentation.local(asOf, in: timeZone, seconds: true)
        return language.pick("as of \(asOf), \(behind) behind (\(size) of WAL)", "截至 \(asOf)，落后 \(behind)（WAL \(size)）")
    }
}
