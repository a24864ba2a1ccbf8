import ArgumentParser
import Casework
import CivicSchema
import Foundation
import Postgres

/// `civicq import FILE`: bulk intake from JSON Lines or CSV.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import complaints from a JSON Lines or CSV file (UTF-8) as one intake system.",
        discussion: """
            Every row is checked by the rules of POST /v1/cases. Good rows are stored (COPY into a
            staging table, then the same statement as the API) with their routing queued; bad rows
            go to the rejects file as JSON lines {"line": N, "reason": "..."}. Running the same
            file again creates nothing twice. CSV needs a header naming its columns: \(ImportFile.csvColumns.joined(separator: ", ")).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The file: .jsonl (one case object per line) or .csv.")
    var file: String

    @Option(help: "The intake system the cases come from (their source).")
    var source: String

    @Option(help: "jsonl or csv. Default: from the file's extension (.csv is CSV, else JSON Lines).")
    var format: String?

    @Option(help: "The file's encoding: utf-8, or gb18030 (also gbk) to convert it.")
    var encoding = "utf-8"

    @Option(help: "Where rejected rows go. Default: FILE.rejects.jsonl.")
    var rejects: String?

    @Option(help: "Rows per transaction.")
    var batch = 20_000

    func validate() throws {
        guard source.range(of: "^[A-Za-z0-9_.-]{1,64}$", options: .regularExpression) != nil else {
            throw ValidationError("--source must be 1 to 64 letters, digits, _ . or -")
        }
        if let format, ImportFile.Format(rawValue: format) == nil { throw ValidationError("--format must be jsonl or csv") }
        guard ["utf-8", "utf8", "gb18030", "gbk"].contains(encoding.lowercased()) else { throw ValidationError("--encoding must be utf-8 or gb18030") }
        guard (100...200_000).contains(batch) else { throw ValidationError("--batch must be from 100 to 200000") }
    }

    func run() async throws {
        try await CommandFailure.guarding {
            let url = URL(fileURLWithPath: file)
            let input: ImportFile
            do {
                input = try ImportFile(
                    contentsOf: url, format: format.flatMap(ImportFile.Format.init(rawValue:)),
                    convertGB18030: ["gb18030", "gbk"].contains(encoding.lowercased()))
            } catch let error as ImportFile.Unreadable {
                throw error
            } catch {
                throw CaseworkError(.notFound, "\(file) cannot be read")
            }
            let validator = IntakeValidator(schema: try JSONSchema(data: try CivicSchema.jsonSchema(named: "case.schema.json")))
            let rejectsURL = URL(fileURLWithPath: rejects ?? file + ".rejects.jsonl")
            guard FileManager.default.createFile(atPath: rejectsURL.path, contents: nil),
                  let rejectsFile = try? FileHandle(forWritingTo: rejectsURL) else {
                throw CaseworkError(.badInput, "cannot write the rejects file \(rejectsURL.path)")
            }
            defer { try? rejectsFile.close() }
            let progress = ImportProgress()
            let (source, batch) = (source, batch)
            let store = CaseworkStore(schema: global.schemaName)
            // Two batches are stored at once (each its own transaction) while the next is
            // validated: PostgreSQL's work is most of an import.
            try await global.withClient(size: 2) { client, _ in
                let (codes, zone): ([String], TimeZone) = try await client.withConnection { connection in
                    (try connection.query("SELECT code FROM categories").map { try $0.decode(String.self) },
                     try store.reportingTimeZone(on: connection))
                }
                let categories = Set(codes)
                let reader = try input.reader()
                var seen: [String: Int] = [:]
                let first = try reader.next(batch)
                var validating: Task<[(line: Int, row: Result<NewCase, ImportFile.Reject>)], Never>? =
                    first.isEmpty ? nil : Task.detached { ImportFile.validate(first, source: source, validator: validator, timeZone: zone) }
                try await withThrowingTaskGroup(of: (Int, Int, Int, [ImportFile.Reject]).self) { group in
                    var inFlight = 0
                    func collect() async throws {
                        guard let (rows, created, existing, rejected) = try await group.next() else { return }
                        inFlight -= 1
                        for reject in rejected { rejectsFile.write(Data((ImportProgress.json(reject) + "\n").utf8)) }
                        progress.add(rows: rows, created: created, existing: existing, rejected: rejected.count, fraction: reader.fraction)
                    }
                    while let task = validating {
                        let rows = await task.value
                        let following = try reader.next(batch)
                        validating = following.isEmpty ? nil : Task.detached { ImportFile.validate(following, source: source, validator: validator, timeZone: zone) }
                        var good: [NewCase] = []
                        var rejected: [ImportFile.Reject] = []
                        for (line, row) in rows {
                            switch row {
                            case .failure(let reject): rejected.append(reject)
                            case .success(let complaint):
                                if let earlier = seen[complaint.externalID] {
                                    rejected.append(.init(line: line, reason: "external_id repeats line \(earlier)"))
                                } else if !categories.contains(complaint.category) {
                                    rejected.append(.init(line: line, reason: "category is not a known category code"))
                                } else {
                                    seen[complaint.externalID] = line
                                    good.append(complaint)
                                }
                            }
                        }
                        if inFlight == 2 { try await collect() }
                        let (chunk, count, refused) = (good, rows.count, rejected)
                        group.addTask {
                            let (created, existing) = try await client.withConnection { try store.importBatch(chunk, source: source, on: $0) }
                            return (count, created, existing, refused)
                        }
                        inFlight += 1
                    }
                    while inFlight > 0 { try await collect() }
                }
            }
            progress.finish(rejects: rejectsURL.path)
        }
    }
}
