public import Foundation

/// A period's figures recomputed from sealed events alone (an export of the event log): the
/// same derivation as the rollups (``CaseFacts``), fed by what the leaves carry, each event
/// with its case's area, category and time received. An outsider with a proven export can so
/// recompute a published month and know its input is the log the checkpoints sign.
public enum FigureRecomputation {
    /// Counts per unit over `query`'s period (areas and categories cut to its level).
    public static func counts(events: [LogEvent], query: FigureQuery, timeZone: TimeZone) -> [FigureUnit: FigureCounts] {
        let calendar = WorkCalendar(timeZone: timeZone)
        var byCase: [Int64: [LogEvent]] = [:]
        for event in events { byCase[event.caseID, default: []].append(event) }
        var result: [FigureUnit: FigureCounts] = [:]
        for (caseID, events) in byCase {
            let ordered = events.sorted { $0.id < $1.id }
            guard let first = ordered.first, let received = parseTime(first.receivedAt) else { continue }
            let history = CaseHistory(
                caseID: caseID, area: first.area, category: first.category, receivedAt: received,
                events: ordered.compactMap(figureEvent))
            for (key, counts) in CaseFacts.derive(from: history, calendar: calendar).contributions
            where key.unit.dimension == query.dimension && query.period.contains(key.day) {
                let unitKey = query.keyLength.map { String(key.unit.key.prefix($0)) } ?? key.unit.key
                result[FigureUnit(query.dimension, unitKey, role: key.unit.role), default: FigureCounts()].add(counts)
            }
        }
        return result
    }

    /// One event as the figures read it (the store's `histories` reads the same details).
    /// Nil for an event the figures do not read (or of a kind this program does not know).
    static func figureEvent(_ event: LogEvent) -> FigureEvent? {
        guard let kind = CaseEventKind(rawValue: event.kind), kind.isReadByFigures, let at = parseTime(event.at) else { return nil }
        var figure = FigureEvent(kind, at: at, department: event.department)
        figure.reason = event.reason
        let details = (try? JSONSerialization.jsonObject(with: Data(event.details.utf8))) as? [String: Any] ?? [:]
        figure.task = details["task"] as? String
        figure.clock = details["clock"] as? String
        figure.due = (details["due"] as? String).flatMap(parseTime)
        figure.until = (details["until"] as? String).flatMap(parseTime)
        figure.solved = details["solved"] as? Bool
        figure.rating = details["rating"] as? String
        figure.assists = details["assists"] as? [String] ?? []
        figure.responseDue = (details["response_due"] as? String).flatMap(parseTime)
        figure.resolutionDue = (details["resolution_due"] as? String).flatMap(parseTime)
        return figure
    }

    /// An ISO 8601 time as PostgreSQL writes timestamptz into JSON or text: `T` or a space,
    /// 0 to 6 fractional digits, `Z` or an offset (`+08`, `+08:00`, `+0800`).
    public static func parseTime(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var value = 0
            for index in range {
                guard (48...57).contains(chars[index]) else { return nil }
                value = value * 10 + Int(chars[index] - 48)
            }
            return value
        }
        guard chars.count >= 19, chars[4] == 45, chars[7] == 45, chars[10] == 84 || chars[10] == 32, chars[13] == 58, chars[16] == 58,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              let dayNumber = CalendarDay(year: year, month: month, day: day)?.number
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == 46 {
            index += 1
            var scale = 0.1
            while index < chars.count, (48...57).contains(chars[index]) {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < chars.count {
            switch chars[index] {
            case 90: index += 1  // Z
            case 43, 45:
                let sign = chars[index] == 45 ? -1 : 1
                guard let hours = number(index + 1..<index + 3) else { return nil }
                index += 3
                if index < chars.count, chars[index] == 58 { index += 1 }
                let minutes = index < chars.count ? number(index..<index + 2) : 0
                guard let minutes else { return nil }
                if index < chars.count { index += 2 }
                offset = sign * (hours * 3_600 + minutes * 60)
            default: return nil
            }
        }
        guard index == chars.count else { return nil }
        let seconds = dayNumber * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
