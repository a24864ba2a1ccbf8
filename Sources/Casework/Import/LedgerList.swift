import Foundation

/// A campaign's list of problems (a CSV from an inspection, 督察/巡查), read for `ledger import`:
/// UTF-8 (with or without a BOM) or GB18030, a header naming the columns in English or
/// Chinese, one item a line. Reading is all or nothing: every bad line is reported, none kept.
///
/// | column      | also named                          | required |
/// |-------------|-------------------------------------|----------|
/// | title       | item, 事项, 问题, 整改事项, 问题描述   | yes      |
/// | lead        | 牵头单位, 责任单位                    | yes      |
/// | due         | deadline, 完成时限, 整改时限           | yes      |
/// | place       | 地点, 位置                           |          |
/// | area        | 区划, 区划代码                        |          |
/// | assisting   | 配合单位, 协办单位 (`;` `、` `，` between) |          |
/// | source      | 来源                                 |          |
/// | ref         | source_ref, 编号, 序号                |          |
///
/// A due date is `2026-12-15`, `2026/12/15` or `2026年12月15日`; it is sent as `2026-12-15`,
/// and the database checks it is a working day (as it checks each unit).
public struct LedgerList: Sendable, Equatable {
    /// The encodings a list may be in.
    public enum Encoding: String, Sendable, CaseIterable {
        /// UTF-8 when the bytes are UTF-8, else GB18030 when they are that.
        case auto
        case utf8
        case gb18030
    }

    /// The file as a whole cannot be read (encoding, header, a broken quote).
    public struct Unreadable: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// An item read and the line it came from; sent to the database as the item's fields
    /// and `line`, one JSON object.
    public struct Row: Sendable, Equatable, Encodable {
        public let line: Int
        public let item: NewLedgerItem

        public init(line: Int, item: NewLedgerItem) {
            self.line = line
            self.item = item
        }

        enum CodingKeys: String, CodingKey { case line }

        public func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(line, forKey: .line)
        }
    }

    /// The items read, each with its line.
    public let rows: [Row]
    /// The lines that are not items, and why.
    public let problems: [ImportFile.Reject]

    static let columns: [String: String] = {
        var names: [String: String] = [:]
        let aliases = [
            "title": ["title", "item", "事项", "问题", "整改事项", "问题描述"],
            "lead": ["lead", "牵头单位", "责任单位"],
            "due": ["due", "deadline", "完成时限", "整改时限"],
            "place": ["place", "地点", "位置"],
            "area": ["area", "区划", "区划代码"],
            "assisting": ["assisting", "配合单位", "协办单位"],
            "source": ["source", "来源"],
            "ref": ["ref", "source_ref", "编号", "序号"],
        ]
        for (column, list) in aliases { for name in list { names[name] = column } }
        return names
    }()

    /// Reads a list's bytes.
    public init(bytes: [UInt8], encoding: Encoding = .auto) throws(Unreadable) {
        let text = try Self.decode(bytes, encoding: encoding)
        var records = CSVRecords(text)
        guard let header = records.next() else { throw Unreadable("the file is empty") }
        var index: [String: Int] = [:]
        for (position, field) in header.fields.enumerated() {
            let name = String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else { continue }
            guard let column = Self.columns[name] else {
                throw Unreadable("the header names a column civicq does not know: \(name) (see civicq ledger import --help)")
            }
            guard index[column] == nil else { throw Unreadable("the header names \(column) twice") }
            index[column] = position
        }
        let missing = ["title", "lead", "due"].filter { index[$0] == nil }
        guard missing.isEmpty else { throw Unreadable("the header has no \(missing.joined(separator: ", ")) column") }
        var rows: [Row] = []
        var problems: [ImportFile.Reject] = []
        while let record = records.next() {
            let fields = record.fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
            if fields.allSatisfy(\.isEmpty) { continue }
            if fields.count > header.fields.count {
                problems.append(ImportFile.Reject(line: record.line, reason: "\(fields.count) fields where the header has \(header.fields.count)"))
                continue
            }
            func value(_ column: String) -> String? {
                guard let position = index[column], position < fields.count, !fields[position].isEmpty else { return nil }
                return fields[position]
            }
            let assisting = Self.units(value("assisting") ?? "")
            rows.append(Row(line: record.line, item: NewLedgerItem(
                title: value("title") ?? "", place: value("place"), area: value("area"), lead: value("lead") ?? "",
                assisting: assisting, due: value("due").map(Self.normalizedDay) ?? "", source: value("source"),
                sourceRef: value("ref"))))
        }
        if let failure = records.failure { throw Unreadable("a quote opened on line \(failure.line) is never closed") }
        guard !rows.isEmpty || !problems.isEmpty else { throw Unreadable("the file has a header but no items") }
        self.rows = rows
        self.problems = problems
    }

    /// The file's text as UTF-8 bytes, or why it cannot be read in that encoding.
    static func decode(_ bytes: [UInt8], encoding: Encoding) throws(Unreadable) -> [UInt8] {
        let utf8 = TextEncoding.isUTF8(bytes)
        switch encoding {
        case .utf8:
            guard utf8 else { throw Unreadable("the file is not UTF-8 text (for a GBK/GB18030 file give --encoding gb18030)") }
            return bytes
        case .gb18030:
            guard let converted = TextEncoding.utf8(fromGB18030: bytes) else { throw Unreadable("the file is not GB18030 text") }
            return converted
        case .auto:
            if utf8 { return bytes }
            guard let converted = TextEncoding.utf8(fromGB18030: bytes) else {
                throw Unreadable("the file is neither UTF-8 nor GB18030 text")
            }
            return converted
        }
    }

    /// Unit codes written one after another: `water;power`, `water、power`, `water, power`.
    public static func units(_ text: String) -> [String] {
        text.split(whereSeparator: { ";；,，、 ".contains($0) }).map(String.init)
    }

    /// `2026/12/5` or `2026年12月5日` as `2026-12-05`; anything else as typed.
    public static func normalizedDay(_ text: String) -> String {
        let parts = text.replacingOccurrences(of: "日", with: "")
            .split(whereSeparator: { "-/年月.".contains($0) }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              parts[1].count <= 2, parts[2].count <= 2 else { return text }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
