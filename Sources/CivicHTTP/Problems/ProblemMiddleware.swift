public import Hummingbird
import Casework
public import Logging
import Postgres

/// Turns every error a handler throws into a problem document: ours as they are, the
/// domain's by their code, Hummingbird's by their status, and anything else into a 500 that
/// says nothing of internals (the log gets the error's safe description and nothing more).
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    @concurrent public func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.problem(for: error, logger: context.logger).response(from: request, context: context)
        }
    }

    /// The problem document for `error`.
    public static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let invalid as InvalidSubmission:
            return .invalid(invalid.errors)
        case is JSONValue.ParseError:
            return Problem(.badRequest, type: "urn:civicq:problem:malformed-json", title: "Malformed JSON", detail: "the body is not valid JSON in UTF-8")
        case let failure as CaseworkError:
            return problem(for: failure)
        case let failure as PostgresError where failure.isTransient || failure.code == .poolClosed:
            logger.error("database unavailable", metadata: ["error": "\(failure.code)"])
            return Problem(.serviceUnavailable, detail: "the database is unavailable; retry later", headers: [.retryAfter: "5"])
        case let failure as any HTTPResponseError:
            let detail = switch failure.status {
            case .notFound: "there is nothing at this address"
            case .contentTooLarge: "the body is larger than this endpoint accepts"
            case .methodNotAllowed: "this address does not take that method"
            default: failure.status.reasonPhrase
            }
            return Problem(failure.status, detail: detail)
        default:
            logger.error("request failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            return Problem(.internalServerError, detail: "something went wrong on our side; the request may be retried")
        }
    }

    static func problem(for failure: CaseworkError) -> Problem {
        switch failure.code {
        case .notFound: Problem(.notFound, detail: failure.message)
        case .wrongState: Problem(.conflict, type: "urn:civicq:problem:wrong-state", title: "Wrong state", detail: failure.message)
        case .notPermitted, .notAUser: Problem(.forbidden, detail: failure.message)
        default: Problem(.unprocessableContent, detail: failure.message)
        }
    }
}
