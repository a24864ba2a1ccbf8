public import Foundation
public import Postgres

extension CaseworkStore {
    static let modelColumns = """
        version, trained_at, trained_by, window_from, window_until, trained_until, evaluation, compared, adopted, units
        """

    static func modelRecord(_ row: PostgresRow) throws -> DispatchModelRecord {
        let (version, trainedAt, trainedBy, from, until, trainedUntil) = try row.decode((Int, Date, String, Date, Date, Date).self)
        return DispatchModelRecord(
            version: version, trainedAt: trainedAt, trainedBy: trainedBy, windowFrom: from, windowUntil: until, trainedUntil: trainedUntil,
            evaluation: try row.decode(PostgresJSONB.self, at: 6).decode(DispatchEvaluation.self),
            compared: try row.decode(PostgresJSONB?.self, at: 7)?.decode(DispatchComparison.self),
            adopted: try row.decode(Bool.self, at: 8), units: try row.decode([String].self, at: 9))
    }

    /// The version of the model in use (the newest adopted), if any.
    public func dispatchModelVersionInUse(on connection: PostgresConnection) throws -> Int? {
        try connection.query("SELECT max(version) FROM dispatch_models WHERE adopted").scalar(Int?.self) ?? nil
    }

    /// The model in use with its record, as ``dispatchModelInUse(on:)`` reads it.
    public typealias ModelInUse = (record: DispatchModelRecord, model: DispatchModel)

    /// The model in use with its record, if any. Its weights are read a megabyte at a time
    /// into the model's own arrays: the whole value as one hex text held a client 434 MB at
    /// once for a 66 MB model (docs/benchmarks.md).
    public func dispatchModelInUse(on connection: PostgresConnection) throws -> ModelInUse? {
        let rows = try connection.query(
            "SELECT \(unsafe: Self.modelColumns), bits FROM dispatch_models WHERE adopted ORDER BY version DESC LIMIT 1")
        guard let row = rows.first else { return nil }
        let record = try Self.modelRecord(row)
        let model = try DispatchModel.reading(units: record.units, bits: try row.decode(Int.self, at: 10)) { offset, count in
            [UInt8](try connection.query(
                "SELECT substring(weights FROM \(offset + 1)::integer FOR \(count)::integer) FROM dispatch_models WHERE version = \(record.version)"
            ).scalar(Data?.self).flatMap { $0 } ?? Data())
        }
        return (record, model)
    }

    /// Enqueues the perpetual `dispatch.learn` job unless one is live; its first run is ten
    /// minutes away, not in the middle of a worker's start.
    public func ensureDispatchLearnJob(on connection: PostgresConnection) throws {
        let kind = CaseworkJobKind.dispatchLearn.rawValue
        try connection.execute("SELECT casework_enqueue(\(kind), '{}', now() + interval '10 minutes', \(kind))")
    }

    /// `dispatch.auto_threshold` when it is a probability in (0, 1]; nil (never) otherwise.
    public func autoDispatchThreshold(on connection: PostgresConnection) throws -> Double? {
        guard let value = try number(setting: "dispatch.auto_threshold", on: connection), value > 0, value <= 1 else { return nil }
        return value
    }

    /// The model in use as a dispatcher at `threshold`; nil when no model is in use.
    public func modelDispatcher(threshold: Double, on connection: PostgresConnection) throws -> ModelDispatcher? {
        guard let (record, model) = try dispatchModelInUse(on: connection) else { return nil }
        return ModelDispatcher(version: record.version, model: model, threshold: threshold)
    }

    /// The stored models, newest first.
    public func dispatchModels(limit: Int = 20, on connection: PostgresConnection) throws -> [DispatchModelRecord] {
        try connection.query("SELECT \(unsafe: Self.modelColumns) FROM dispatch_models ORDER BY version DESC LIMIT \(limit)")
            .map(Self.modelRecord)
    }

    /// Trains on the earlier cases of the history of `from ..< until` (`count` of them, as
    /// ``dispatchHistoryCount(from:until:on:)`` counted: the first four fifths, streamed into the
    /// trainer page by page, never all in memory), evaluates on the latest fifth, and compares
    /// with the model in use on the held-out cases new to it. With `store`, keeps the model as a
    /// new version: adopted (in use from now on) when no model was in use or it did better, else
    /// its record only, without weights.
    public func learnDispatchModel(
        from: Date, until: Date, count: Int, store: Bool,
        trainer: DispatchTrainer = DispatchTrainer(), on connection: PostgresConnection
    ) throws -> DispatchLearning {
        try learnDispatchModel(from: from, until: until, count: count, store: store, against: try dispatchModelInUse(on: connection),
                               trainer: trainer, on: connection)
    }

    /// The same, against `inUse` as already read (the weekly job reads it once for its check
    /// and for this).
    public func learnDispatchModel(
        from: Date, until: Date, count: Int, store: Bool, against inUse: ModelInUse?,
        trainer: DispatchTrainer = DispatchTrainer(), on connection: PostgresConnection
    ) throws -> DispatchLearning {
        let cut = DispatchEvaluation.trainingCount(of: count)
        var counts = DispatchTrainer.Counts(features: trainer.features)
        var holdout: [DispatchExample] = []
        var trainedUntil = from
        try dispatchHistory(from: from, until: until, on: connection) { example in
            if counts.count < cut {
                counts.add(example)
                trainedUntil = example.received
            } else {
                holdout.append(example)
            }
        }
        let model = try trainer.model(of: counts)
        let train = (count: counts.count, until: trainedUntil)
        let evaluation = DispatchEvaluation.evaluate(model, on: holdout, trained: train.count)
        var comparison: DispatchComparison?
        if let (record, current) = inUse {
            let unseen = holdout.filter { $0.received > record.trainedUntil }
            comparison = DispatchComparison(
                model: record.version, cases: unseen.count,
                inUse: DispatchEvaluation.evaluate(current, on: unseen, trained: record.evaluation.trained),
                candidate: DispatchEvaluation.evaluate(model, on: unseen, trained: train.count))
        }
        let adopted = comparison?.candidateIsBetter ?? true
        var learning = DispatchLearning(evaluation: evaluation, comparison: comparison, adopted: adopted, version: nil)
        guard store else { return learning }
        let compared = try comparison.map { try PostgresJSONB(encoding: $0) }
        learning.version = try connection.query(
            """
            INSERT INTO dispatch_models (window_from, window_until, trained_until, evaluation, compared, adopted, units, bits, weights)
            VALUES (\(from), \(until), \(train.until), \(try PostgresJSONB(encoding: evaluation)), \(compared), \(adopted),
                    \(model.units), \(model.features.bits), \(adopted ? Data(model.storedBytes) : nil))
            RETURNING version
            """).scalar(Int.self)
        return learning
    }

    /// Checks the model in use on the cases finished in the `days` before `now` that were
    /// received after it learnt, and records the check; nil when no model is in use.
    @discardableResult
    public func checkDispatchModel(now: Date = Date(), days: Int = 7, on connection: PostgresConnection) throws -> DispatchModelCheck? {
        guard let inUse = try dispatchModelInUse(on: connection) else { return nil }
        return try checkDispatchModel(inUse, now: now, days: days, on: connection)
    }

    /// The same for `inUse` as already read; the cases are counted as their pages are read.
    @discardableResult
    public func checkDispatchModel(_ inUse: ModelInUse, now: Date = Date(), days: Int = 7, on connection: PostgresConnection) throws -> DispatchModelCheck {
        let (record, model) = inUse
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        var cases = 0, agreed = 0
        try dispatchHistory(from: record.trainedUntil.addingTimeInterval(0.001), until: now, finishedSince: since, on: connection) {
            cases += 1
            if model.suggest($0.input, count: 1).first?.unit == $0.unit { agreed += 1 }
        }
        let at = try connection.query(
            """
            INSERT INTO dispatch_model_checks (model_version, at, since, cases, agreed)
            VALUES (\(record.version), \(now), \(since), \(cases), \(agreed)) RETURNING at
            """).scalar(Date.self) ?? now
        return DispatchModelCheck(model: record.version, at: at, since: since, cases: cases, agreed: agreed,
                                  evaluatedTop1: record.evaluation.top1)
    }

    /// The newest check of the model in use, if any.
    public func latestDispatchCheck(on connection: PostgresConnection) throws -> DispatchModelCheck? {
        guard let row = try connection.query(
            """
            SELECT k.model_version, k.at, k.since, k.cases, k.agreed, (m.evaluation ->> 'top1')::double precision
            FROM dispatch_model_checks k JOIN dispatch_models m ON m.version = k.model_version
            WHERE m.version = (SELECT max(version) FROM dispatch_models WHERE adopted)
            ORDER BY k.id DESC LIMIT 1
            """).first else { return nil }
        let (model, at, since, cases, agreed, top1) = try row.decode((Int, Date, Date, Int, Int, Double).self)
        return DispatchModelCheck(model: model, at: at, since: since, cases: cases, agreed: agreed, evaluatedTop1: top1)
    }

    /// Dispatches made in `period` (days in the reporting time zone) by source
    /// (`dispatch_sources`, migration 031).
    public func dispatchSources(_ period: FigurePeriod, on connection: PostgresConnection) throws -> [DispatchSourceFigures] {
        try connection.query(
            "SELECT source, dispatches, returned FROM dispatch_sources(\(period.first.description)::date, \(period.last.description)::date)"
        ).map { row in
            let (source, dispatches, returned) = try row.decode((String, Int, Int).self)
            return DispatchSourceFigures(source: source, dispatches: dispatches, returned: returned)
        }
    }
}
