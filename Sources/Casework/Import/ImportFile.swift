public import Foundation

/// A file of complaints for `civicq import`: JSON Lines (one case object per line, as the API
/// takes it) or CSV with a header naming the columns (external_id, category, area, title,
/// description, channel, priority, received_at, citizen_name, citizen_phone, address,
/// latitude, longitude). Read in chunks; each row is validated by the API's own rules.
public struct ImportFile: Sendable {
    public enum Format: String, Sendable {
        case jsonl
        case csv
    }

    /// The file cannot be imported as a whole (wrong encoding, no header, a broken quote).
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// A row that cannot be stored, and why.
    public struct Reject: Error, Sendable, Equatable, Codable {
        public let line: Int
        public let reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public let format: Format
    /// The file, memory-mapped when read from disk: a large file is not copied.
    let data: Data

    /// Columns a CSV header may name.
    public static let csvColumns = [
        "external_id", "category", "area", "title", "description", "channel", "priority", "received_at",
        "citizen_name", "citizen_phone", "address", "latitude", "longitude",
    ]

    /// Reads `url`. Not UTF-8 (judged by its first megabyte): refused with a sentence, unless
    /// `convertGB18030`, which converts GBK/GB18030 text. A later row that is not UTF-8 is
    /// rejected on its own.
    public init(contentsOf url: URL, format: Format? = nil, convertGB18030: Bool = false) throws {
        var data = try Data(contentsOf: url, options: .alwaysMapped)
        let sample = data.prefix(1 << 20)
        let cut = sample.count == data.count ? sample : sample.prefix(through: sample.lastIndex(of: UInt8(ascii: "\n")) ?? sample.endIndex - 1)
        if !TextEncoding.isUTF8([UInt8](cut)) {
            guard TextEncoding.utf8(fromGB18030: [UInt8](cut)) != nil else {
                throw Unreadable(description: "the file is neither UTF-8 nor GBK/GB18030 text")
            }
            guard convertGB18030 else {
                throw Unreadable(description: "the file is GBK/GB18030, not UTF-8: convert it (iconv -f GB18030 -t UTF-8) or pass --encoding gb18030")
            }
            guard let converted = TextEncoding.utf8(fromGB18030: [UInt8](data)) else {
                throw Unreadable(description: "the file is not valid GBK/GB18030 text throughout")
            }
            data = Data(converted)
        }
        let chosen = format ?? (url.pathExtension.lowercased() == "csv" ? .csv : .jsonl)
        self.init(data: data, format: chosen)
    }

    public init(data: Data, format: Format) {
        self.data = data
        self.format = format
    }

    /// The raw rows, split but not parsed: call ``ImportFile/Reader/next(_:)`` for chunks.
    public func reader() throws -> Reader {
        try Reader(file: self)
    }

    /// One raw row: its line and either a JSON line or CSV fields by column.
    public enum RawRow: Sendable {
        case json(line: Int, bytes: ArraySlice<UInt8>)
        case csv(line: Int, fields: [String: String])
        case broken(line: Int, reason: String)

        var line: Int {
            switch self {
            case .json(let line, _), .csv(let line, _), .broken(let line, _): line
            }
        }
    }

    /// Splits the file into raw rows, a chunk at a time (sequential: CSV quotes can span lines).
    public final class Reader {
        private let file: ImportFile
        private var offset = 0
        private var line = 1
        private var records: CSVRecords?
        private var columns: [String] = []

        init(file: ImportFile) throws {
            self.file = file
            guard file.format == .csv else { return }
            var records = CSVRecords([UInt8](file.data))
            guard let header = records.next() else { throw Unreadable(description: "the CSV file is empty: it needs a header row") }
            columns = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased() }
            let unknown = columns.filter { !ImportFile.csvColumns.contains($0) }
            guard unknown.isEmpty else {
                throw Unreadable(description: "the CSV header names unknown columns: \(unknown.joined(separator: ", ")); known: \(ImportFile.csvColumns.joined(separator: ", "))")
            }
            for required in ["external_id", "category", "area", "title", "description"] where !columns.contains(required) {
                throw Unreadable(description: "the CSV header has no \(required) column")
            }
            self.records = records
        }

        /// How far through the file the reader is (0 to 1).
        public var fraction: Double {
            if let records { return records.fraction }
            return file.data.isEmpty ? 1 : min(1, Double(offset) / Double(file.data.count))
        }

        /// Up to `count` raw rows; empty at the end.
        public func next(_ count: Int) throws -> [RawRow] {
            var rows: [RawRow] = []
            rows.reserveCapacity(count)
            if var records {
                defer { self.records = records }
                while rows.count < count, let record = records.next() {
                    if record.fields.count != columns.count {
                        rows.append(.broken(line: record.line, reason: "the row has \(record.fields.count) fields, the header \(columns.count)"))
                        continue
                    }
                    var fields: [String: String] = [:]
                    var valid = true
                    for (name, value) in zip(columns, record.fields) where !value.isEmpty {
                        guard let text = String(validating: value, as: UTF8.self) else { valid = false; break }
                        fields[name] = text
                    }
                    rows.append(valid ? .csv(line: record.line, fields: fields) : .broken(line: record.line, reason: "the row is not valid UTF-8"))
                }
                if let failure = records.failure { throw Unreadable(description: "line \(failure.line): a quoted field is never closed") }
                return rows
            }
            file.data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                while rows.count < count, offset < bytes.count {
                    var end = offset
                    while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                    var slice = bytes[offset..<end]
                    if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
                    if !slice.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                        rows.append(.json(line: line, bytes: Array(slice)[...]))
                    }
                    offset = end + 1
                    line += 1
                }
            }
            return rows
        }
    }

    /// Validates raw rows: each becomes a complaint of `source` or a reject. A `received_at`
    /// without an offset (`2026-12-01 09:30`) is that wall-clock time in `timeZone`, the
    /// installation's reporting time zone (never the machine's); with one, it is taken as it is.
    public static func validate(
        _ rows: [RawRow], source: String, validator: IntakeValidator, timeZone: TimeZone = .gmt, now: Date = Date()
    ) -> [(line: Int, row: Result<NewCase, Reject>)] {
        rows.map { raw in
            var document: JSONValue
            switch raw {
            case .broken(let line, let reason):
                return (line, .failure(Reject(line: line, reason: reason)))
            case .json(let line, let bytes):
                guard let parsed = try? bytes.withUnsafeBufferPointer({ try JSONValue.parse($0) }) else {
                    return (line, .failure(Reject(line: line, reason: "the line is not a JSON object")))
                }
                document = parsed
            case .csv(_, let fields):
                var object: [String: JSONValue] = [:]
                var citizen: [String: JSONValue] = [:]
                for (name, value) in fields {
                    switch name {
                    case "citizen_name": citizen["name"] = .string(value)
                    case "citizen_phone": citizen["phone"] = .string(value)
                    case "latitude", "longitude": object[name] = Double(value).map(JSONValue.number) ?? .string(value)
                    default: object[name] = .string(value)
                    }
                }
                if !citizen.isEmpty { object["citizen"] = .object(citizen) }
                document = .object(object)
            }
            if case .object(var object) = document, case .string(let stamp)? = object["received_at"],
               let date = LocalTime.wallClockInstant(stamp, in: timeZone) {
                object["received_at"] = .string(date.formatted(.iso8601))
                document = .object(object)
            }
            switch validator.validate(document, source: source, now: now) {
            case .success(let complaint): return (raw.line, .success(complaint))
            case .failure(let invalid):
                let reason = invalid.errors.map { $0.message }.joined(separator: "; ")
                return (raw.line, .failure(Reject(line: raw.line, reason: reason)))
            }
        }
    }
}
