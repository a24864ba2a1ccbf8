public import Foundation

extension PostgresJSONB {
    /// JSON text written value by value, for the paths where `JSONEncoder` shows: a routing
    /// worker spent about a third of its CPU encoding each claimed batch's decisions with it
    /// (a perf profile of `civicq-bench route`, issue 19); Open311's JSON answers are written
    /// with it too. What it writes is plain JSON: strings escaped as RFC 8259 asks, and U+2028
    /// and U+2029 (line ends to JavaScript) as `\u2028`/`\u2029`; dates as `timestamptz` text in
    /// UTC with microseconds (what the server reads back exactly); whole numbers as integers,
    /// non-finite numbers as `null`.
    ///
    /// Commas are the writer's business: a value, an object or an array begun after another
    /// value in the same container is preceded by one. Value type; any thread.
    public struct Writer: Sendable {
        private var bytes: [UInt8] = []
        /// Whether the next key or value follows another one in its container.
        private var follows = false

        public init(reservingCapacity capacity: Int = 256) { bytes.reserveCapacity(capacity) }

        /// The text written so far, as a `jsonb` value.
        public var jsonb: PostgresJSONB { PostgresJSONB(text: String(decoding: bytes, as: UTF8.self)) }

        public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); follows = false }
        public mutating func endObject() { bytes.append(UInt8(ascii: "}")); follows = true }
        public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); follows = false }
        public mutating func endArray() { bytes.append(UInt8(ascii: "]")); follows = true }

        /// An object's key; its value comes next.
        public mutating func key(_ name: String) {
            separate()
            quote(name)
            bytes.append(UInt8(ascii: ":"))
            follows = false
        }

        public mutating func null() { value { $0.bytes.append(contentsOf: "null".utf8) } }
        public mutating func value(_ flag: Bool) { value { $0.bytes.append(contentsOf: (flag ? "true" : "false").utf8) } }
        public mutating func value(_ number: Int) { value { $0.bytes.append(contentsOf: String(number).utf8) } }
        public mutating func value(_ number: Int64) { value(Int(number)) }
        /// A whole number below 10^15 as an integer (`5`, as `JSONEncoder` wrote it, not `5.0`,
        /// which `jsonb` would keep as written); others in Swift's shortest exact form.
        public mutating func value(_ number: Double) {
            guard number.isFinite else { return null() }
            if number == number.rounded(), abs(number) < 1e15 { return value(Int(number)) }
            value { $0.bytes.append(contentsOf: number.description.utf8) }
        }
        public mutating func value(_ text: String) { value { $0.quote(text) } }
        /// The date as `timestamptz` text (`2026-12-04 23:01:35.500000+00`), a JSON string.
        public mutating func value(_ date: Date) { value(PostgresTimestampCodec.format(date)) }
        public mutating func value(_ texts: [String]) {
            beginArray()
            for text in texts { value(text) }
            endArray()
        }

        /// A key and its value, or nothing when the value is nil: the server reads an absent
        /// key as NULL (where a JSON `null` would be a `jsonb` null for a `jsonb` column).
        public mutating func field(_ name: String, _ text: String?) { if let text { key(name); value(text) } }
        public mutating func field(_ name: String, _ number: Int?) { if let number { key(name); value(number) } }
        public mutating func field(_ name: String, _ number: Int64?) { if let number { key(name); value(number) } }
        public mutating func field(_ name: String, _ number: Double?) { if let number { key(name); value(number) } }
        public mutating func field(_ name: String, _ date: Date?) { if let date { key(name); value(date) } }
        public mutating func field(_ name: String, _ flag: Bool) { key(name); value(flag) }
        public mutating func field(_ name: String, _ texts: [String]) { key(name); value(texts) }

        private mutating func value(_ write: (inout Writer) -> Void) {
            separate()
            write(&self)
            follows = true
        }

        private mutating func separate() {
            if follows { bytes.append(UInt8(ascii: ",")) }
        }

        private mutating func quote(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            var text = text
            text.withUTF8 { utf8 in
                var start = 0
                var index = 0
                while index < utf8.count {
                    let byte = utf8[index]
                    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                    let separator = byte == 0xE2 && index + 2 < utf8.count && utf8[index + 1] == 0x80 && utf8[index + 2] & 0xFE == 0xA8
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || separator else {
                        index += 1
                        continue
                    }
                    bytes.append(contentsOf: utf8[start..<index])
                    if separator {
                        bytes.append(contentsOf: "\\u202".utf8)
                        bytes.append(utf8[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                        index += 3
                    } else {
                        escape(byte)
                        index += 1
                    }
                    start = index
                }
                bytes.append(contentsOf: utf8[start...])
            }
            bytes.append(UInt8(ascii: "\""))
        }

        private static let hexDigits = Array("0123456789abcdef".utf8)

        private mutating func escape(_ byte: UInt8) {
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
            }
        }
    }
}
