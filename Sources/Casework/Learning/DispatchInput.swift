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
}
