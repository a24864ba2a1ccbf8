import Foundation
import Testing

/// Checks a metrics exposition with a real Prometheus text parser: `promtool check metrics`
/// (Debian's prometheus package) when it is installed, else the Python client's parser
/// (Debian's python3-prometheus-client, which scripts/lib/ensure-deps installs).
enum PrometheusText {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func check(_ text: String) throws {
        if let promtool = which("promtool") {
            let (status, output) = try run(promtool, ["check", "metrics"], input: text)
            guard status == 0 else { throw Failure(description: "promtool check metrics failed: \(output)") }
            return
        }
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            families = list(text_string_to_metric_families(sys.stdin.read()))
            assert families, "no metric families"
            print(len(families))
            """
        for python in ["/usr/bin/python3", "python3"] {
            guard let path = python.hasPrefix("/") ? (FileManager.default.isExecutableFile(atPath: python) ? python : nil) : which(python)
            else { continue }
            let (status, output) = try run(path, ["-c", script], input: text)
            if status == 0 { return }
            if !output.contains("ModuleNotFoundError") { throw Failure(description: "the Prometheus text parser refused the metrics: \(output)") }
        }
        throw Failure(description: "no Prometheus text parser here: install prometheus (promtool) or python3-prometheus-client (scripts/lib/ensure-deps does)")
    }

    private static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    private static func run(_ path: String, _ arguments: [String], input: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
