import Casework
import Postgres
import Prometheus

/// The dispatch gauges `civicq serve` exports (智能派单, issue 20), read far less often than the
/// operations gauges (``MetricsRoutes/dispatchInterval``): the last seven days' dispatches by
/// source (`rule`, `model`, `desk`) and how many of them were returned, and the weekly check of
/// the dispatch model in use (its first choice against the final unit: drift).
///
/// `Sendable`: stateless; the registry is thread-safe.
struct DispatchGauges: Sendable {
    let registry: PrometheusCollectorRegistry

    /// One reading: the sources of the seven days to today, and the latest check.
    struct Reading: Sendable {
        var sources: [DispatchSourceFigures]
        var check: DispatchModelCheck?
        var modelVersion: Int?
    }

    static func read(client: PostgresClient, schema: String) async throws -> Reading {
        try await client.withConnection { connection in
            let store = CaseworkStore(schema: schema)
            let today = try store.today(on: connection)
            let week = try FigurePeriod(first: today.adding(days: -6), last: today)
            return Reading(sources: try store.dispatchSources(week, on: connection), check: try store.latestDispatchCheck(on: connection),
                           modelVersion: try store.dispatchModelVersionInUse(on: connection))
        }
    }

    func apply(_ reading: Reading) {
        for source in ["rule", "model", "desk"] {
            let figures = reading.sources.first { $0.source == source }
            registry.makeGauge(descriptor: Self.dispatches, labels: [("source", source)]).set(Double(figures?.dispatches ?? 0))
            registry.makeGauge(descriptor: Self.returned, labels: [("source", source)]).set(Double(figures?.returned ?? 0))
        }
        registry.makeGauge(descriptor: Self.modelVersion).set(Double(reading.modelVersion ?? 0))
        if let check = reading.check {
            registry.makeGauge(descriptor: Self.checkedCases).set(Double(check.cases))
            registry.makeGauge(descriptor: Self.agreement).set(check.agreement.value ?? .nan)
            registry.makeGauge(descriptor: Self.testedTop1).set(check.evaluatedTop1)
        }
    }

    static func descriptor(_ name: String, help: String) -> MetricNameDescriptor { CivicMetrics.descriptor(name, help: help) }

    static var dispatches: MetricNameDescriptor { descriptor(
        "dispatches_last_week", help: "Dispatches to a lead unit in the last seven days (reporting time zone), by source: rule, model or desk.") }
    static var returned: MetricNameDescriptor { descriptor(
        "dispatches_returned_last_week", help: "Of those dispatches, how many the unit returned (退单), by source.") }
    static var modelVersion: MetricNameDescriptor { descriptor(
        "dispatch_model_version", help: "The dispatch model in use (0: none).") }
    static var agreement: MetricNameDescriptor { descriptor(
        "dispatch_model_agreement", help: "The weekly check: the share of cases finished in the week, new to the model, whose final unit was its first choice.") }
    static var checkedCases: MetricNameDescriptor { descriptor(
        "dispatch_model_checked_cases", help: "Cases the weekly check of the dispatch model counted.") }
    static var testedTop1: MetricNameDescriptor { descriptor(
        "dispatch_model_tested_top1", help: "The dispatch model's top-1 accuracy on its own held-out cases when it was learnt.") }
}
