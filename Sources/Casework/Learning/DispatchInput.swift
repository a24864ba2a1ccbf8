/// A complaint as the dispatch model reads it.
public struct DispatchInput: Sendable, Hashable, Codable {
    public var category: String
    public var area: String
    public var channel: String
    public var title: String
    public var description: String

    public init(category: String, area: String, channel: String, title: String, description: String) {
        self.category = category
        self.area = area
        self.channel = channel
        self.title = title
        self.description = description
    }

    /// What a case being routed says, as the model reads it.
    public init(_ routing: RoutingInput) {
        self.init(category: routing.category, area: routing.area, channel: routing.channel, title: routing.title,
                  description: routing.description)
    }
}
