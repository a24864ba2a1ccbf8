import Casework
import Foundation
import Postgres

/// `civicq-bench route`: 100,000 received cases (a realistic mix of categories, areas and
/// texts, some with keywords) over 200+ rules, routed end to end by 2 `civicq worker`
/// processes: claim, match, case update, events, tasks, deadline jobs, completion.
/// Reports cases per second (spawn to the last routing job gone) and each worker's peak
/// resident memory (VmHWM).
struct RouteBench {
    let options: BenchOptions

    func run() async throws {
        guard let civicq = ProcessInfo.processInfo.environment["CIVICQ_BIN"] else {
            throw BenchError("set CIVICQ_BIN to a release civicq binary (scripts/bench route does)")
        }
        let cases = options.jobs
        let workers = options.workers.first ?? 2
        try await BenchDatabase.with(prefix: "bench_route", migrated: true) { database in
            let configuration = try PostgresConfiguration.fromEnvironment(options: CaseworkStore.sessionOptions(schema: database.schema))
            let client = PostgresClient(configuration: .init(connection: configuration, size: 2), logger: database.logger)
            defer { Task { await client.close() } }
            let store = CaseworkStore(schema: database.schema)
            let ruleCount = try await load(store: store, client: client)
            try await client.withConnection { try Self.generate(cases: cases, on: $0) }
            let (server, fsync, synchronous) = try await database.settings()

            let postgresBefore = ProcessStats.postgresCPUSeconds()
            let clock = ContinuousClock()
            let started = clock.now
            // --seal: the first worker also seals the event log, as the one worker holding the key does.
            var keyFile: URL?
            if options.seal {
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-bench-\(database.schema).key")
                _ = FileManager.default.createFile(
                    atPath: file.path, contents: Data(try LogSigningKey(name: "bench/\(database.schema)").fileText.utf8),
                    attributes: [.posixPermissions: 0o600])
                keyFile = file
            }
            defer { if let keyFile { try? FileManager.default.removeItem(at: keyFile) } }
            let processes = try (0..<workers).map { index in try spawn(civicq, schema: database.schema, key: index == 0 ? keyFile : nil) }
            var peakRSS = [Int](repeating: 0, count: workers)
            while true {
                // Whether any routing job is left, from the first entry of the partial indexes on
                // available and running jobs. (Counting them cost the server a third of a core.)
                let left = try await client.withConnection {
                    try $0.query(
                        """
                        SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'available' AND queue = 'routing')
                            OR EXISTS (SELECT 1 FROM jobs WHERE state = 'running' AND queue = 'routing')
                        """).scalar(Bool.self) ?? false
                }
                for (index, process) in processes.enumerated() {
                    guard process.isRunning else { throw BenchError("worker \(index) exited with \(process.terminationStatus)") }
                    peakRSS[index] = max(peakRSS[index], ProcessStats.memory(process.processIdentifier, field: "VmHWM:"))
                }
                if !left { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = (clock.now - started).seconds
            let cpu = processes.map { ProcessStats.cpuSeconds($0.processIdentifier) }
            let postgresCPU = ProcessStats.postgresCPUSeconds().map { $0 - (postgresBefore ?? $0) }
            for process in processes { kill(process.processIdentifier, SIGTERM) }
            for process in processes { process.waitUntilExit() }

            let unsealed = options.seal ? try await client.withConnection { try store.unsealedEvents(on: $0) } : 0
            let (dispatched, manual, received, clocks, firstToLast, unrolled) = try await client.withConnection { connection in
                try connection.query(
                    """
                    SELECT count(*) FILTER (WHERE state = 'dispatched'), count(*) FILTER (WHERE state = 'manual_dispatch'),
                           count(*) FILTER (WHERE state = 'received'),
                           (SELECT count(*) FROM jobs WHERE kind = 'case.clock'),
                           extract(epoch FROM max(updated_at) - min(updated_at))::float8,
                           (SELECT count(*) FROM figure_dirty)
                    FROM cases
                    """)[0].decode((Int, Int, Int, Int, Double, Int).self)
            }
            guard received == 0, dispatched + manual == cases else {
                throw BenchError("\(received) cases were left unrouted")
            }
            let rate = Double(cases) / elapsed
            let rss = peakRSS.map { Double($0) / 1024 }
            let beside = (options.rollup ? " (and the figures rollup)" : "") + (options.seal ? " (and the log's sealing)" : "")
            print("route: \(cases) cases, \(ruleCount) rules, \(workers) worker processes\(beside); PostgreSQL \(server), fsync \(fsync), synchronous_commit \(synchronous)")
            print(String(format: "  routed end to end        %8.2f s   %8.0f cases/s (first to last case update: %.2f s)", elapsed, rate, firstToLast))
            print("  dispatched \(dispatched), manual dispatch desk \(manual), clock jobs scheduled \(clocks)")
            if options.rollup { print("  cases still to roll up into the figures when routing ended: \(unrolled) of \(cases)") }
            if options.seal { print("  events still to seal when routing ended: \(unsealed)") }
            print("  worker peak resident memory: " + rss.map { String(format: "%.1f MB", $0) }.joined(separator: ", "))
            print("  worker CPU time: " + cpu.map { String(format: "%.1f s", $0) }.joined(separator: ", "))
            if let postgresCPU {
                print(String(format: "  PostgreSQL CPU time: %.1f s, %.0f µs a case (this machine's postgres processes)", postgresCPU, postgresCPU / Double(cases) * 1e6))
            }
            if options.json {
                print(jsonLine([
                    "suite": "route", "rollup": options.rollup, "seal": options.seal, "unsealed": unsealed, "cases": cases, "rules": ruleCount, "workers": workers, "seconds": elapsed,
                    "cases_per_second": rate, "first_to_last_seconds": firstToLast, "dispatched": dispatched,
                    "manual_dispatch": manual, "clock_jobs": clocks, "figures_backlog": unrolled, "worker_peak_rss_mb": rss, "worker_cpu_seconds": cpu,
                    "postgres_cpu_seconds": postgresCPU.map { $0 as Any } ?? NSNull(),
                ]))
            }
        }
    }

    private func spawn(_ civicq: String, schema: String, key: URL?) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: civicq)
        let queues = options.rollup ? "routing,figures" : "routing"
        process.arguments = ["worker", "--queues", queues, "--concurrency", "1000", "--claim-batch", "500", "--poll-ms", "100"]
            + (key.map { ["--log-key", $0.path] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["CIVICQ_SCHEMA"] = schema
        environment["LOG_LEVEL"] = "error"
        process.environment = environment
        try process.run()
        return process
    }

    /// The example city, plus generated street rules: 200+ rules in all.
    private func load(store: CaseworkStore, client: PostgresClient) async throws -> Int {
        let examples = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("deploy/examples")
        func read(_ name: String) throws -> String { try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8) }
        let directory = try DirectoryFile.parse(try read("departments.yaml"))
        let categories = try CategoriesFile.parse(try read("categories.yaml"))
        let calendar = try CalendarFile.parse(try read("calendar.yaml"))
        var routes = try RoutesFile.parse(try read("routes.yaml"))
        let streets = directory.flattened.filter { $0.level == "street" }
        let streetCategories = ["010101", "010102", "010201", "010202", "010301", "010302", "030102", "070101"]
        var generated: [RoutingRule] = []
        for street in streets {
            for category in streetCategories {
                generated.append(RoutingRule(
                    id: "\(street.code)-\(category)", when: .init(category: [category], area: [street.area!]),
                    then: .init(lead: street.code, assist: category.hasPrefix("0101") ? ["urban"] : [])))
            }
        }
        // After the life-and-limb keyword rules, before the city-wide category rules.
        routes.rules.insert(contentsOf: generated, at: 4)
        let file = routes
        try await client.withConnection { connection in
            _ = try store.importDepartments(directory.withoutPeople, on: connection)
            _ = try store.importCategories(categories, on: connection)
            _ = try store.importCalendar(calendar, on: connection)
            _ = try store.importRoutes(file, source: "bench", on: connection)
        }
        return routes.rules.count
    }

    /// Received cases with their routing jobs, as intake leaves them, in three statements.
    static func generate(cases: Int, on connection: PostgresConnection) throws {
        let titles = [
            "小区门口下水道堵塞", "楼道里有煤气味", "夜间施工噪音扰民", "路灯不亮已经一周", "公司拖欠工资三个月", "电梯经常故障停运",
            "小区垃圾无人清运", "道路破损坑洼不平", "暖气不热室温太低", "早餐店占道经营", "预付卡商家跑路无法退费", "广场舞噪声扰民",
            "停水没有提前通知", "井盖缺失存在危险", "违章停车堵塞消防通道", "楼上漏水导致天花板发霉", "餐馆油烟扰民", "想咨询孩子入学政策",
            "养老院服务质量差", "树木倒伏压坏车辆",
        ]
        let descriptions = [
            "市民反映情况持续多日，希望有关部门尽快处理。", "已经多次反映没有结果，请求督促解决。", "凌晨施工影响休息，请核实处理。",
            "路面冒水，水管爆裂，影响通行。", "物业不作为，请相关部门协调。", "老人行动不便，希望尽快解决。", "大面积停电，整个小区没电。",
        ]
        try connection.execute(
            """
            WITH cats AS (SELECT array_agg(code ORDER BY code) AS a FROM categories WHERE length(code) = 6),
                 areas AS (SELECT array_agg(x ORDER BY x) AS a FROM (
                     SELECT area_code || lpad(n::text, 3, '0') AS x FROM departments, generate_series(1, 5) n WHERE level = 'street'
                     UNION ALL SELECT '420199001001' UNION ALL SELECT '430102001001') s)
            INSERT INTO cases (source, external_id, channel, category_code, area_code, title, description, citizen_name, citizen_phone, received_at)
            SELECT 'bench', 'b' || g, (ARRAY['phone', 'phone', 'phone', 'web', 'app', 'wechat'])[1 + g % 6],
                   cats.a[1 + (g * 7919) % array_length(cats.a, 1)], areas.a[1 + (g * 104729) % array_length(areas.a, 1)],
                   (\(titles))[1 + (g * 31) % \(titles.count)], (\(descriptions))[1 + (g * 17) % \(descriptions.count)],
                   '市民' || (g % 1000), '138' || lpad((g % 100000000)::text, 8, '0'), now() - (g % 3600) * interval '1 second'
            FROM generate_series(1, \(cases)) g, cats, areas
            """)
        try connection.execute(
            "INSERT INTO case_events (case_id, actor, kind, to_state, public) SELECT id, source, 'received', 'received', true FROM cases")
        try connection.execute(
            """
            SELECT count(*) FROM jobs_enqueue(ARRAY(
                SELECT ROW('routing', 'case.route', jsonb_build_object('case', id), 0, NULL, 20, 'route:' || id || ':0')::job_request
                FROM cases ORDER BY id), false)
            """)
        try connection.executeScript("ANALYZE cases; ANALYZE jobs; ANALYZE case_events")
    }
}
