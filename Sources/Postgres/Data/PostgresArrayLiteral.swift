/// The text form of one-dimensional arrays: `{a,"b c",NULL,"say \"hi\""}`.
/// Pure functions; any thread.
enum PostgresArrayLiteral {
    /// Formats elements (already in text form; `nil` is NULL). Every element is quoted, so
    /// commas, braces, spaces and the word NULL inside values are never misread.
    static func format(_ elements: [String?]) -> String {
        var result = "{"
        for (position, element) in elements.enumerated() {
            if position > 0 { result += "," }
            guard let element else {
                result += "NULL"
                continue
            }
            result += "\""
            for character in element {
                if character == "\"" || character == "\\" { result += "\\" }
                result.append(character)
            }
            result += "\""
        }
        return result + "}"
    }

    /// Parses a one-dimensional array literal into its elements' text; `nil` elements are NULL.
    /// Returns `nil` for anything else (nested arrays, malformed input).
    static func parse(_ bytes: ArraySlice<UInt8>) -> [String?]? {
        var index = bytes.startIndex
        // Skip explicit bounds such as "[0:2]=".
        if bytes.first == UInt8(ascii: "[") {
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            index = equals + 1
        }
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else {
            return nil
        }
        index += 1
        let end = bytes.endIndex - 1
        var elements: [String?] = []
        if index == end { return elements }
        while index <= end {
            var element: [UInt8] = []
            var quoted = false
            if bytes[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    guard index < end else { return nil }
                    element.append(bytes[index])
                    index += 1
                }
                guard index < end else { return nil }
                index += 1  // closing quote
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    if bytes[index] == UInt8(ascii: "{") { return nil }
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    guard index < end else { return nil }
                    element.append(bytes[index])
                    index += 1
                }
            }
            if !quoted && element.elementsEqual("NULL".utf8) {
                elements.append(nil)
            } else {
                elements.append(String(decoding: element, as: UTF8.self))
            }
            if index == end { break }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
            if index == end { return nil }  // trailing comma
        }
        return elements
    }
}
