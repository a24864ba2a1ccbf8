/// A PostgreSQL `interval`: months, days and microseconds, kept apart as the server keeps them
/// (a month is not a fixed number of days, nor a day of hours across a DST change).
///
/// Sessions are set to `IntervalStyle = 'iso_8601'` on connect, so the server prints
/// `P1Y2M3DT4H5M6.5S`; values are sent in PostgreSQL's verbose form. Value type; any thread.
public struct PostgresInterval: Hashable, Sendable, PostgresEncodable, PostgresDecodable, CustomStringConvertible {
    public var months: Int32
    public var days: Int32
    public var microseconds: Int64

    public init(months: Int32 = 0, days: Int32 = 0, microseconds: Int64 = 0) {
        self.months = months
        self.days = days
        self.microseconds = microseconds
    }

    /// An interval of exactly this duration (no months or days).
    public init(_ duration: Duration) {
        self.init(microseconds: duration.wholeMicroseconds)
    }

    public static var postgresType: PostgresDataType { .interval }

    public var postgresValue: PostgresBind.Value? {
        let sign = microseconds < 0 ? "-" : ""
        let magnitude = microseconds.magnitude
        let fraction = String(magnitude % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return .text("\(months) mons \(days) days \(sign)\(magnitude / 1_000_000).\(padded) secs")
    }

    public var description: String {
        if case .text(let text) = postgresValue { return text }
        return ""
    }

    public init(postgresCell cell: PostgresCell) throws {
        guard let value = Self.parseISO8601(cell.bytes) else {
            throw cell.failure(PostgresInterval.self, "expected IntervalStyle iso_8601")
        }
        self = value
    }

    /// Parses `P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]` with signed fields, as PostgreSQL prints them.
    static func parseISO8601(_ bytes: ArraySlice<UInt8>) -> PostgresInterval? {
        var index = bytes.startIndex
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "P") else { return nil }
        index += 1
        var result = PostgresInterval()
        var inTime = false
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "T") {
                inTime = true
                index += 1
                continue
            }
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            var whole: Int64 = 0
            var fractionMicros: Int64 = 0
            var digits = 0
            while index < bytes.endIndex, let digit = asciiDigit(bytes[index]) {
                whole = whole * 10 + digit
                digits += 1
                index += 1
            }
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
                index += 1
                var scale: Int64 = 100_000
                while index < bytes.endIndex, let digit = asciiDigit(bytes[index]) {
                    fractionMicros += digit * scale
                    scale /= 10
                    index += 1
                }
            }
            guard digits > 0, index < bytes.endIndex else { return nil }
            let unit = bytes[index]
            index += 1
            let sign: Int64 = negative ? -1 : 1
            switch (inTime, unit) {
            case (false, UInt8(ascii: "Y")): result.months += Int32(sign * whole * 12)
            case (false, UInt8(ascii: "M")): result.months += Int32(sign * whole)
            case (false, UInt8(ascii: "W")): result.days += Int32(sign * whole * 7)
            case (false, UInt8(ascii: "D")): result.days += Int32(sign * whole)
            case (true, UInt8(ascii: "H")): result.microseconds += sign * whole * 3_600_000_000
            case (true, UInt8(ascii: "M")): result.microseconds += sign * whole * 60_000_000
            case (true, UInt8(ascii: "S")): result.microseconds += sign * (whole * 1_000_000 + fractionMicros)
            default: return nil
            }
        }
        return result
    }

    private static func asciiDigit(_ byte: UInt8) -> Int64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
    }
}
