import Foundation

/// The fields of an HTML form as Open311 clients send them: `application/x-www-form-urlencoded`
/// (query strings too) or `multipart/form-data` (whose file parts, such as `media`, are
/// counted but not kept: civicq stores no uploads). Repeated names keep every value, in order.
struct FormFields: Sendable, Equatable {
    private(set) var pairs: [(name: String, value: String)] = []
    /// Names of file parts that came with a multipart body.
    private(set) var files: [String] = []

    static func == (lhs: FormFields, rhs: FormFields) -> Bool {
        lhs.pairs.map { [$0.name, $0.value] } == rhs.pairs.map { [$0.name, $0.value] } && lhs.files == rhs.files
    }

    /// The form is malformed (bad percent-escapes, invalid UTF-8, a broken multipart body).
    struct Malformed: Error {
        let reason: String
    }

    init() {}

    /// Parses `a=1&b=x+y&c=%E6%B0%B4`.
    init(urlEncoded text: Substring) throws {
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            pairs.append((name, value))
        }
    }

    /// Parses a body of `contentType` (urlencoded or multipart).
    init(body: Data, contentType: String) throws {
        let lowered = contentType.lowercased()
        if lowered.hasPrefix("multipart/form-data") {
            guard let boundary = contentType.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count) else {
                throw Malformed(reason: "the multipart body names no boundary")
            }
            try self.init(multipart: body, boundary: String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        } else {
            guard let text = String(data: body, encoding: .utf8) else { throw Malformed(reason: "the form is not UTF-8") }
            try self.init(urlEncoded: Substring(text))
        }
    }

    private init(multipart body: Data, boundary: String) throws {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Data] = []
        var searchStart = body.startIndex
        var previous: Data.Index?
        while let range = body.range(of: delimiter, in: searchStart..<body.endIndex) {
            if let previous { parts.append(body[previous..<range.lowerBound]) }
            previous = range.upperBound
            searchStart = range.upperBound
        }
        guard !parts.isEmpty else { throw Malformed(reason: "the multipart body has no parts") }
        for part in parts {
            guard let split = part.range(of: Data("\r\n\r\n".utf8)) else { throw Malformed(reason: "a multipart part has no headers") }
            guard let headers = String(data: part[part.startIndex..<split.lowerBound], encoding: .utf8) else {
                throw Malformed(reason: "a multipart part's headers are not UTF-8")
            }
            var content = part[split.upperBound...]
            if content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
            let disposition = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") } ?? ""
            guard let name = Self.parameter("name", in: disposition) else { continue }
            if Self.parameter("filename", in: disposition) != nil {
                files.append(name)
                continue
            }
            guard let value = String(data: Data(content), encoding: .utf8) else { throw Malformed(reason: "the field \(name) is not UTF-8") }
            pairs.append((name, value))
        }
    }

    private static func parameter(_ key: String, in header: Substring) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("\(key)=") else { continue }
            return String(trimmed.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    private static func decode(_ text: Substring) throws -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else { throw Malformed(reason: "the form has a bad %-escape or is not UTF-8") }
        return decoded
    }

    /// The first non-empty value of `name` (an empty value counts as not given, as the spec asks).
    subscript(name: String) -> String? {
        pairs.first { $0.name == name && !$0.value.isEmpty }?.value
    }

    /// Every value of `name`.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// Attribute answers: `attribute[CODE]=v` and `attribute[CODE][]=v` (repeated) by code.
    var attributes: [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, value) in pairs where name.hasPrefix("attribute[") {
            var code = name.dropFirst("attribute[".count)
            if code.hasSuffix("][]") { code = code.dropLast(3) } else if code.hasSuffix("]") { code = code.dropLast() } else { continue }
            result[String(code), default: []].append(value)
        }
        return result
    }

    mutating func merge(_ other: FormFields) {
        pairs += other.pairs
        files += other.files
    }
}
