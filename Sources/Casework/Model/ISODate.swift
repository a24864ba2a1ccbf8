public import Foundation

/// RFC 3339 / W3C date-times with a time zone, as intake and Open311 send them.
public enum ISODate {
    /// The instant in `text`, or nil when it is not a date-time with a time zone.
    public static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}
