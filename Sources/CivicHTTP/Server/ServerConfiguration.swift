/// How `civicq serve` listens and what it accepts. Every default is stated.
public struct ServerConfiguration: Sendable {
    /// Address to listen on. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port. Default 8080.
    public var port: Int = 8080
    /// Largest body of one case (`POST /v1/cases` and the small POSTs). Default 64 KiB.
    public var maxCaseBytes: Int = 64 * 1024
    /// Largest body of `POST /v1/cases:batch`. Default 16 MiB.
    public var maxBatchBytes: Int = 16 * 1024 * 1024
    /// Most cases in one batch. Default 1,000.
    public var maxBatchItems: Int = 1000
    /// How long a checked API key is trusted before it is checked again (and how long a
    /// revoked key may still work). Default 10 s.
    public var keyCacheTTL: Duration = .seconds(10)
    /// Transactions storing single submissions at once (``SubmissionBatcher``). Default 2:
    /// fewer, larger transactions use PostgreSQL's CPU best; keep it below the pool's size so
    /// that reads find a connection.
    public var submitFlushers: Int = 2
    /// How long `/metrics` answers from its last database reading before it reads again
    /// (however many Prometheus servers scrape). Default 5 s.
    public var metricsRefresh: Duration = .seconds(5)
    /// Invalid API keys one client address may send per minute before it gets 429 until the
    /// minute is over (other addresses are not affected). Default 20.
    public var authFailuresPerMinute: Int = 20
    /// How long a connection may take to send a request's head, and how long an idle
    /// keep-alive connection stays open: the connection is closed after it. Default 30 s.
    public var headerTimeout: Duration = .seconds(30)
    /// How long a request's body may take to arrive: 408 and the connection closed after it.
    /// Default 60 s.
    public var bodyTimeout: Duration = .seconds(60)
    /// Open311 GeoReport v2 settings.
    public var open311: Open311Configuration = Open311Configuration()

    public init() {}
}

/// What Open311 clients are told and how their requests become cases.
public struct Open311Configuration: Sendable {
    /// `jurisdiction_id` this server answers for; requests naming another get 404 (an empty
    /// one is ignored, as the spec asks). Default nil: any.
    public var jurisdiction: String?
    /// Discovery `contact`. Default a sentence pointing to the hotline office.
    public var contact: String = "the city hotline office (12345)"
    /// Discovery `key_service`: how to get an API key. Default a sentence.
    public var keyService: String = "ask the hotline office for an API key (civicq keys create)"
    /// The area code of requests that say nothing more precise (Open311 has no area): the
    /// router then sends them to the area's backstop or the dispatch desk. Default `"00"`.
    public var defaultArea: String = "00"
    /// Whether `GET requests` without the submitting key show descriptions and addresses.
    /// Default false: complaints may hold personal data.
    public var publicDetails: Bool = false

    public init() {}
}
