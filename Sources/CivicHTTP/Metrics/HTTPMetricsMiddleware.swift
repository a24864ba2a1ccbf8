public import Hummingbird
import Prometheus

/// Counts requests by method, route template and status, and times them by route
/// (`civicq_http_requests_total`, `civicq_http_request_duration_seconds`). Routes are the
/// router's templates (`/v1/cases/{id}`), never paths with values: the label set is bounded.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: CivicMetrics

    public init(metrics: CivicMetrics) {
        self.metrics = metrics
    }

    @concurrent public func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: Int(response.status.code), elapsed: ContinuousClock.now - start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context: context, status: Int(error.status.code), elapsed: ContinuousClock.now - start)
            throw error
        } catch {
            record(request, context: context, status: 500, elapsed: ContinuousClock.now - start)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, elapsed: Duration) {
        let series = metrics.httpSeries(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status) {
            method, route, status in
            (metrics.registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]),
             metrics.registry.makeDurationHistogram(descriptor: Self.duration, labels: [("method", method), ("route", route)], buckets: Self.buckets))
        }
        series.requests.increment()
        series.duration.record(elapsed)
    }

    static var requests: MetricNameDescriptor {
        CivicMetrics.descriptor("http_requests", unit: "total", help: "HTTP requests answered, by method, route template and status.")
    }
    static var duration: MetricNameDescriptor {
        CivicMetrics.descriptor("http_request_duration", unit: "seconds", help: "Time to answer HTTP requests, by method and route template.")
    }
    static var buckets: [Duration] { [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000].map { .milliseconds($0) } }
}
