import Foundation

/// Text form of `timestamptz` in `DateStyle = ISO`: `2026-11-22 18:02:59.123456+08`.
///
/// Pure functions; any thread. Sessions are set to `DateStyle = 'ISO, YMD'` on connect, so the
/// server always prints this form, whatever its `TimeZone` is (the offset says which).
package enum PostgresTimestampCodec {
    private static let microsPerSecond: Int64 = 1_000_000

    /// Formats a date in UTC with microseconds. `distantPast`/`distantFuture` map to `-infinity`/`infinity`.
    static func format(_ date: Date) -> String {
        if date == .distantFuture { return "infinity" }
        if date == .distantPast { return "-infinity" }
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / microsPerSecond
        var fraction = micros % microsPerSecond
        if fraction < 0 {
            fraction += microsPerSecond
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var result = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
        result += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction != 0 { result += "." + pad(fraction, 6) }
        return result + "+00"
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff](+|-)HH[:MM[:SS]]`, `infinity` and `-infinity`.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Date? {
        if bytes.elementsEqual("infinity".utf8) { return .distantFuture }
        if bytes.elementsEqual("-infinity".utf8) { return .distantPast }
        var reader = DigitReader(bytes: bytes)
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2), reader.skip(" ") || reader.skip("T"),
            let hour = reader.number(2), reader.skip(":"), let minute = reader.number(2), reader.skip(":"),
            let second = reader.number(2)
        else { return nil }
        var micros: Int64 = 0
        if reader.skip(".") {
            var digits = 0
            while let digit = reader.digit() {
                if digits < 6 { micros = micros * 10 + Int64(digit) }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offset: Int64 = 0
        if let signByte = reader.peek(), signByte == UInt8(ascii: "+") || signByte == UInt8(ascii: "-") {
            reader.advance()
            guard let hours = reader.number(2) else { return nil }
            var offsetSeconds = hours * 3600
            if reader.skip(":"), let minutes = reader.number(2) { offsetSeconds += minutes * 60 }
            if reader.skip(":"), let seconds = reader.number(2) { offsetSeconds += seconds }
            offset = signByte == UInt8(ascii: "-") ? -offsetSeconds : offsetSeconds
        } else {
            return nil
        }
        guard reader.isAtEnd, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    package static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a count of days since 1970-01-01.
    package static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A cursor over ASCII bytes for the fixed-layout parsers.
struct DigitReader {
    let bytes: ArraySlice<UInt8>
    var index: ArraySlice<UInt8>.Index

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }
    func peek() -> UInt8? { isAtEnd ? nil : bytes[index] }
    mutating func advance() { index += 1 }

    mutating func skip(_ character: Character) -> Bool {
        guard let byte = peek(), let ascii = character.asciiValue, byte == ascii else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int64? {
        guard let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        index += 1
        return Int64(byte - UInt8(ascii: "0"))
    }

    /// Exactly `count` digits, or more for a year beyond 9999.
    mutating func number(_ count: Int) -> Int64? {
        var value: Int64 = 0
        var read = 0
        while let digit = digit() {
            value = value * 10 + digit
            read += 1
            if read >= count && count < 4 { break }
        }
        return read >= count ? value : nil
    }
}
