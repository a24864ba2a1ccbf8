import Foundation
import TestSupport

/// Runs the built `civicq` executable, as an operator would from a shell.
struct CivicQProcess {
    typealias Outcome = ChildProcess.Outcome

    /// The executable beside the test bundle in the build folder.
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("civicq").path), directory.pathComponents.count > 1 {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("civicq")
    }

    /// Ours, with `extra` over it. The tests read civicq's English: the example city's
    /// installation language is zh-CN, so the locale is English unless a test sets another.
    private static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment
            .merging(["LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8"]) { _, new in new }
            .merging(extra) { _, new in new }
    }

    /// Runs the executable to the end (on a Dispatch thread: ``ChildProcess``). `input`, when
    /// given, is its standard input.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) async throws -> Outcome {
        try await ChildProcess.run(executable, arguments, environment: environment(extra), input: input)
    }

    /// Starts the executable without waiting for it; its output goes to the null device.
    static func launch(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment(extra)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
