/// One routing rule: conditions (all must hold; an empty list holds for any case) and the
/// assignment it makes. Rules are tried in order; the first that matches wins.
public struct RoutingRule: Sendable, Hashable, Codable {
    public struct Conditions: Sendable, Hashable, Codable {
        /// Category code prefixes, any of (`"03"` matches `030101`).
        public var category: [String]
        /// Area code prefixes, any of (district, street, community or grid).
        public var area: [String]
        /// Words, any of, found anywhere in the title or the description (no word splitting,
        /// so Chinese text works; ASCII letters match regardless of case).
        public var keywords: [String]
        /// Intake channels, any of.
        public var channel: [String]

        public init(category: [String] = [], area: [String] = [], keywords: [String] = [], channel: [String] = []) {
            self.category = category
            self.area = area
            self.keywords = keywords
            self.channel = channel
        }

        enum CodingKeys: String, CodingKey { case category, area, keywords, channel }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            category = try container.decodeOneOrMany(.category)
            area = try container.decodeOneOrMany(.area)
            keywords = try container.decodeOneOrMany(.keywords)
            channel = try container.decodeOneOrMany(.channel)
        }
    }

    public struct Assignment: Sendable, Hashable, Codable {
        /// The lead department (主办).
        public var lead: String
        /// Assisting departments (协办).
        public var assist: [String]
        /// urgent, high, normal or low; nil keeps the intake's priority.
        public var priority: String?
        /// The clock policy; nil takes the category's.
        public var policy: String?

        public init(lead: String, assist: [String] = [], priority: String? = nil, policy: String? = nil) {
            self.lead = lead
            self.assist = assist
            self.priority = priority
            self.policy = policy
        }

        enum CodingKeys: String, CodingKey { case lead, assist, priority, policy }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            lead = try container.decode(String.self, forKey: .lead)
            assist = try container.decodeOneOrMany(.assist)
            priority = try container.decodeIfPresent(String.self, forKey: .priority)
            policy = try container.decodeIfPresent(String.self, forKey: .policy)
        }
    }

    public var id: String
    public var when: Conditions
    public var then: Assignment

    public init(id: String, when: Conditions, then: Assignment) {
        self.id = id
        self.when = when
        self.then = then
    }
}

extension KeyedDecodingContainer {
    /// A list, a single value standing for a list of one, or nothing (an empty list).
    func decodeOneOrMany(_ key: Key) throws -> [String] {
        if !contains(key) || (try? decodeNil(forKey: key)) == true { return [] }
        if let one = try? decode(String.self, forKey: key) { return [one] }
        return try decode([String].self, forKey: key)
    }
}
