import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq log keygen|key|export|verify`: the provable event log.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The sealed event log: keys, export, verification.",
        discussion: """
            A worker started with --log-key seals every event into a Merkle tree and signs
            checkpoints with that key. Anyone with an export and the public key can check that no
            sealed event was changed, removed, inserted or reordered (docs/security.md).
            Exit codes of verify: 0 proven, 65 tampered (the event is named).
            """,
        subcommands: [Keygen.self, Key.self, Export.self, Verify.self]
    )

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new signing key FILE (mode 600) and print its public key.")
        @Argument(help: "The private key file to create.") var file: String
        @Option(help: "The log's name, the first line of every checkpoint, e.g. 12345.wuhan.example/civicq.") var name: String

        func run() async throws {
            try await CommandFailure.guarding {
                print(try LogKeyFile.create(file, name: name).verifierKey)
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the public key of the signing key (--key-file or CIVICQ_LOG_KEY).")
        @Option(help: "The signing key file; default CIVICQ_LOG_KEY.") var keyFile: String?

        func run() async throws {
            try await CommandFailure.guarding {
                guard let path = keyFile ?? ProcessInfo.processInfo.environment["CIVICQ_LOG_KEY"] else {
                    throw CommandFailure.Refusal("give --key-file or set CIVICQ_LOG_KEY")
                }
                print(try LogKeyFile.read(path).verifierKey)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the sealed events and the checkpoints to FILE as JSON Lines.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file to write (- for standard output).") var file: String
        @Option(help: "Start at the checkpoint of this tree size (default: the whole log).") var from: Int64 = 0

        func run() async throws {
            try await CommandFailure.guarding {
                let output: FileHandle
                if file == "-" {
                    output = .standardOutput
                } else {
                    guard FileManager.default.createFile(atPath: file, contents: nil) , let handle = FileHandle(forWritingAtPath: file) else {
                        throw CommandFailure.Refusal("\(file) cannot be written")
                    }
                    output = handle
                }
                let count = try await global.withStore { [from] connection, store in
                    try connection.transaction(isolation: .repeatableRead, readOnly: true) { connection in
                        let origin = try connection.query("SELECT split_part(note, E'\\n', 1) FROM log_checkpoints ORDER BY id DESC LIMIT 1")
                            .scalar(String.self) ?? ""
                        var pending: [UInt8] = []
                        let count = try store.exportLog(from: from, origin: origin, on: connection) { line in
                            pending.append(contentsOf: line.utf8)
                            pending.append(UInt8(ascii: "\n"))
                            if pending.count > 1 << 20 { output.write(Data(pending)); pending.removeAll(keepingCapacity: true) }
                        }
                        output.write(Data(pending))
                        return count
                    }
                }
                if file != "-" {
                    try output.close()
                    print(Spoken.say("\(count) events written to \(file)", "已把 \(count) 个事件写入 \(file)"))
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an export FILE with the public key alone, or the live tables without FILE.",
            discussion: "Exit 0: proven. Exit 65: tampered, with the first event that fails (or the checkpoint).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An export (civicq log export); without it, the database is checked.") var file: String?
        @Option(help: "The public key (NAME+ID+KEY, as civicq log key prints it) or a file holding it.") var key: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let verifier = try LogKeyFile.verifier(key)
                let started = ContinuousClock.now
                let result: LogVerification
                let zone: TimeZone
                if let file {
                    let reading = LogExport.verify(lines: try LogFileLines(path: file), key: verifier)
                    result = reading.verification
                    zone = reading.header.flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt
                } else {
                    let (verification, audience) = try await global.withAudience { connection, store, _ in
                        try connection.transaction(isolation: .repeatableRead, readOnly: true) { try store.verifyLog(key: verifier, on: $0) }
                    }
                    (result, zone) = (verification, audience.timeZone)
                }
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                LogReport.print(result, seconds: seconds, json: json, timeZone: zone)
                if !result.proven { throw ExitCode(CommandFailure.Code.dataError.rawValue) }
            }
        }
    }
}

/// The verification's text and JSON.
enum LogReport {
    /// `timeZone`: the reporting time zone the checkpoint's time is shown in (the export's own).
    static func print(_ result: LogVerification, seconds: Double, json: Bool, timeZone: TimeZone) {
        if json {
            var object: [String: Any] = ["proven": result.proven, "events": result.events, "checkpoints": result.checkpointsProven]
            if let latest = result.latest {
                object["checkpoint"] = ["size": latest.size, "root": Data(latest.root).base64EncodedString(),
                                        "time": latest.time.formatted(.iso8601)]
            }
            if let failure = result.failure {
                object["failure"] = ["event": failure.eventID as Any, "position": failure.position as Any, "reason": failure.reason]
            }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            Swift.print(String(decoding: data, as: UTF8.self))
            return
        }
        let say = Spoken.say
        if let failure = result.failure {
            Swift.print(say("tampered: ", "被篡改：") + Refusals.say(failure.reason, in: Spoken.current))
            if let id = failure.eventID { Swift.print(say("event \(id)", "事件 \(id)")) }
            Swift.print(say("proven before it: \(result.checkpointsProven) checkpoints", "在它之前已证明：\(result.checkpointsProven) 个检查点")
                + (result.latest.map { say(", up to size \($0.size)", "，直到大小 \($0.size)") } ?? ""))
        } else {
            Swift.print(say("proven: \(result.events) events, \(result.checkpointsProven) checkpoints",
                            "已证明：\(result.events) 个事件，\(result.checkpointsProven) 个检查点")
                + (result.latest.map {
                    let at = Presentation.local($0.time, in: timeZone)
                    return say(", the latest of size \($0.size) signed at \(at)", "，最新的大小为 \($0.size)，签署于 \(at)")
                } ?? ""))
            Swift.print(say(String(format: "%.1f s", seconds), String(format: "%.1f 秒", seconds)))
        }
    }
}
