import Foundation
import Yams

/// The department tree and its people, as YAML (`civicq departments import|export`).
///
/// ```yaml
/// departments:
///   - code: bj
///     name: 北京市
///     level: city
///     area: "11"
///     children:
///       - code: bj-cy
///         name: 朝阳区人民政府
///         level: district
///         area: "110105"
///         backstop: "110105"        # cases of this area no rule matches come here (兜底)
///   - code: desk
///     name: 12345 派单台
///     level: city
///     dispatch_desk: true
///   - code: water
///     name: 市水务局
///     level: city
///     webhook: { url: "https://water.example/civicq", secret: "..." }
///     people:
///       - { login: wang_water, role: handler, name: 王工 }
/// ```
/// Entries may nest with `children` or name their `parent`.
public struct DirectoryFile: Sendable, Codable, Equatable {
    public struct Webhook: Sendable, Codable, Equatable {
        public var url: String
        public var secret: String
    }

    public struct Person: Sendable, Codable, Equatable {
        public var login: String
        public var role: StaffRole
        public var name: String?
    }

    public struct Department: Sendable, Codable, Equatable {
        public var code: String
        public var name: String
        public var level: String
        public var parent: String?
        public var area: String?
        public var backstop: String?
        public var dispatch_desk: Bool?
        public var webhook: Webhook?
        public var people: [Person]?
        public var children: [Department]?
    }

    public var departments: [Department]

    /// Every department with its parent, children flattened in file order.
    public var flattened: [Department] {
        var result: [Department] = []
        func visit(_ department: Department, parent: String?) {
            var flat = department
            flat.parent = department.parent ?? parent
            flat.children = nil
            result.append(flat)
            for child in department.children ?? [] { visit(child, parent: department.code) }
        }
        for department in departments { visit(department, parent: nil) }
        return result
    }

    /// Checks what the database would refuse, naming the entry.
    public func validate() throws {
        let all = flattened
        var seen = Set<String>()
        let levels: Set<String> = ["city", "district", "street", "community", "grid"]
        for department in all {
            let at = "department \(department.code)"
            guard department.code.range(of: "^[A-Za-z0-9_.-]{1,64}$", options: .regularExpression) != nil else {
                throw CaseworkError(.badInput, "department code \"\(department.code)\" must be 1 to 64 letters, digits, . _ or -")
            }
            guard seen.insert(department.code).inserted else { throw CaseworkError(.badInput, "\(at) appears twice") }
            guard levels.contains(department.level) else {
                throw CaseworkError(.badInput, "\(at): level must be city, district, street, community or grid")
            }
            for (field, value) in [("area", department.area), ("backstop", department.backstop)] {
                if let value, value.range(of: "^[0-9]{2,15}$", options: .regularExpression) == nil {
                    throw CaseworkError(.badInput, "\(at): \(field) must be an area code of 2 to 15 digits")
                }
            }
            if let webhook = department.webhook, !(webhook.url.hasPrefix("https://") || webhook.url.hasPrefix("http://")) || webhook.secret.isEmpty {
                throw CaseworkError(.badInput, "\(at): webhook needs an http(s) url and a secret")
            }
        }
        for department in all {
            if let parent = department.parent, !seen.contains(parent) {
                throw CaseworkError(.badInput, "department \(department.code): parent \(parent) is not in the file")
            }
        }
        if all.filter({ $0.dispatch_desk == true }).count > 1 {
            throw CaseworkError(.badInput, "only one department may be the dispatch desk")
        }
    }

    /// The same tree without its `people` (departments only).
    public var withoutPeople: DirectoryFile {
        func strip(_ department: Department) -> Department {
            var department = department
            department.people = nil
            department.children = department.children?.map(strip)
            return department
        }
        return DirectoryFile(departments: departments.map(strip))
    }

    public static func parse(_ text: String) throws -> DirectoryFile {
        let file: DirectoryFile = try YAMLFile.decode(text, what: "departments file")
        try file.validate()
        return file
    }

    public func yaml() throws -> String { try YAMLEncoder().encode(self) }
}

/// YAML decoding with errors that name the place, not the value.
enum YAMLFile {
    static func decode<T: Decodable>(_ text: String, what: String) throws -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: text)
        } catch let error as DecodingError {
            throw CaseworkError(.badInput, "\(what): \(describe(error))")
        } catch {
            throw CaseworkError(.badInput, "\(what) is not valid YAML")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "cannot be read"
        }
    }
}
