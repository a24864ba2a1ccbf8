import enum Casework.Language
import Foundation
import Hummingbird
import Logging
import Postgres

/// `GET /dashboard`: the office's read-only page, for API keys with the `dashboard:read`
/// scope. A browser gets the login prompt (HTTP Basic; any user name, the key as password);
/// scripts may send `Authorization: Bearer KEY` or `?key=KEY`. The page is built from the
/// rollups and the operations reading on every request (a few small queries). It is written
/// in the installation's language; `?lang=en` or `?lang=zh-CN` asks for the other.
struct DashboardRoutes: Sendable {
    /// Where the page's figures are read: the primary, or a hot standby.
    let client: PostgresClient
    /// The primary when `client` is a standby: asked for its WAL position, to say how old the page is.
    let primary: PostgresClient?
    let schema: String
    let gatekeeper: Gatekeeper

    func add(to router: Router<IntakeContext>) {
        router.get("dashboard") { request, context in try await page(request, context: context) }
    }

    @Sendable func page(_ request: Request, context: IntakeContext) async throws -> Response {
        guard let key = Self.key(in: request) else {
            throw Problem(.unauthorized, detail: "the dashboard needs a key with the dashboard:read scope", headers: Self.challenge)
        }
        let caller: IntakeClient
        do {
            caller = try await gatekeeper.admit(key, from: context.remoteAddress)
        } catch let problem as Problem where problem.status == .unauthorized {
            throw Problem(.unauthorized, detail: problem.detail, headers: Self.challenge)
        }
        guard caller.may(.dashboardRead) else { throw Problem(.forbidden, detail: "this API key may not use dashboard:read") }
        var language: Language?
        if let asked = request.uri.queryParameters.get("lang") {
            guard let chosen = Language(tag: asked) else { throw Problem(.badRequest, detail: "lang must be zh-CN or en") }
            language = chosen
        }
        let data = try await DashboardData.read(client: client, schema: schema, language: language)
        var lag: ReplicaLag?
        if let primary { lag = try await ReplicaLag.read(primary: primary, replica: client) }
        let html = DashboardPage.render(data, lag: lag, generatedAt: Date())
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: .init(string: html)))
    }

    static let challenge: HTTPFields = [.wwwAuthenticate: #"Basic realm="civicq dashboard", charset="UTF-8""#]

    /// The key from Basic credentials (the password), a Bearer token, or `?key=`.
    static func key(in request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "basic",
               let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
               let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            {
                return String(text[text.index(after: colon)...])
            }
        }
        return APIKeyMiddleware.key(in: request) ?? request.uri.queryParameters.get("key")
    }
}
