import Foundation
import Logging
import Postgres

/// `civicq-bench`: release-built benchmarks run by scripts/bench.
///
///     civicq-bench postgres [--rows N] [--repeat N] [--json]
///     civicq-bench route [--jobs N] [--workers N] [--json]   (needs CIVICQ_BIN)
///     civicq-bench log [--jobs N] [--json]   (N events sealed, exported, verified)
///     civicq-bench ledger [--rows N] [--json]   (duplicates' quality and lookups at N cases, hot spots)
///     civicq-bench learn [--jobs N] [--json]   (the dispatch model on N generated cases; no database)
///
/// Connects with DATABASE_URL (or the PG* variables) and works in a schema of its own,
/// dropped at the end. Prints a table, and with --json one JSON object as the last line.
@main
struct BenchCommand {
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let suite = arguments.isEmpty || arguments[0].hasPrefix("-") ? "postgres" : arguments.removeFirst()
        var options = BenchOptions()
        do {
            try options.parse(arguments)
            switch suite {
            case "postgres": try await PostgresBench(options: options).run()
            case "queue":
                // Five rounds: one 2-second measurement of pgbench against itself moves by up to
                // a sixth on this kind of machine; each side is taken at its best.
                if !arguments.contains("--repeat") { options.repeats = 5 }
                try await QueueBench(options: options).run()
            case "soak": try await SoakBench(options: options).run()
            case "chaos-worker": try await ChaosWorker(options: options).run()
            case "figures": try await FiguresBench(options: options).run()
            case "ledger": try await LedgerBench(options: options).run()
            case "learn":
                if !arguments.contains("--jobs") { options.jobs = 1_000_000 }
                try LearnBench(options: options).run()
            case "log":
                if !arguments.contains("--jobs") { options.jobs = 1_000_000 }
                try await LogBench(options: options).run()
            case "route":
                if !arguments.contains("--jobs") { options.jobs = 100_000 }
                if !arguments.contains("--workers") { options.workers = [2] }
                try await RouteBench(options: options).run()
            default: throw BenchError("unknown suite \"\(suite)\"; known: postgres, queue, soak, route, figures, ledger, log, learn, chaos-worker")
            }
        } catch {
            FileHandle.standardError.write(Data("civicq-bench: \(error)\n".utf8))
            exit(1)
        }
    }
}

struct BenchOptions {
    var rows = 10_000
    var repeats = 3
    var json = false
    var jobs = 100_000
    var workers = [1, 2, 4]
    var concurrency = 1000
    var batch = 1000
    var schema: String?
    var seconds = 60
    var rate = 5_000
    /// Route bench: the workers also serve the `figures` queue, so the rollup runs beside routing.
    var rollup = false
    /// Route bench: the first worker also seals the event log (`--log-key`).
    var seal = false

    mutating func parse(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--json": json = true
            case "--rollup": rollup = true
            case "--seal": seal = true
            case "--rows": rows = try Self.number(iterator.next(), for: argument)
            case "--repeat": repeats = try Self.number(iterator.next(), for: argument)
            case "--jobs": jobs = try Self.number(iterator.next(), for: argument)
            case "--concurrency": concurrency = try Self.number(iterator.next(), for: argument)
            case "--batch": batch = try Self.number(iterator.next(), for: argument)
            case "--schema": schema = iterator.next()
            case "--seconds": seconds = try Self.number(iterator.next(), for: argument)
            case "--rate": rate = try Self.number(iterator.next(), for: argument)
            case "--workers":
                workers = try (iterator.next() ?? "").split(separator: ",").map { try Self.number(String($0), for: argument) }
            default:
                throw BenchError("unknown option \(argument); use --rows, --repeat, --jobs, --workers 1,2,4, --concurrency, --batch, --schema, --seconds, --rate, --rollup, --seal, --json")
            }
        }
    }

    private static func number(_ text: String?, for option: String) throws -> Int {
        guard let text, let value = Int(text), value > 0 else { throw BenchError("\(option) takes a positive whole number") }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One measured case: the median of its runs.
struct BenchResult {
    let name: String
    let operations: Int
    let seconds: Double

    var rate: Double { Double(operations) / seconds }
}

/// Runs `body` `repeats` times (after `prepare` each time) and keeps the median duration.
func measure(
    _ name: String, operations: Int, repeats: Int,
    prepare: () async throws -> Void = {}, _ body: () async throws -> Void
) async throws -> BenchResult {
    var durations: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<repeats {
        try await prepare()
        let elapsed = try await clock.measure { try await body() }
        durations.append(elapsed.seconds)
    }
    durations.sort()
    return BenchResult(name: name, operations: operations, seconds: durations[durations.count / 2])
}

func printTable(title: String, _ results: [BenchResult], unit: String) {
    print(title)
    print("  case                                     ops      ms (median)    \(unit)/s")
    for result in results {
        let name = result.name.padding(toLength: 38, withPad: " ", startingAt: 0)
        print(String(format: "  %@ %7d %14.1f %12.0f", name, result.operations, result.seconds * 1000, result.rate))
    }
}

func jsonLine(_ object: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}
