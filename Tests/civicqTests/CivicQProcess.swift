import Foundation

/// Runs the built `civicq` executable, as an operator would from a shell.
struct CivicQProcess {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable beside the test bundle in the build folder.
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("civicq").path), directory.pathComponents.count > 1 {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("civicq")
    }

    /// A process of the executable with these arguments and extra environment, not started.
    private static func process(_ arguments: [String], environment extra: [String: String]) -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        return process
    }

    /// Runs to the end; `input`, when given, is its standard input (else it inherits ours).
    /// Blocks its thread: ``run(_:environment:input:)`` calls it on a Dispatch thread.
    private static func runBlocking(_ arguments: [String], environment extra: [String: String], input: String?) throws -> Outcome {
        let process = process(arguments, environment: extra)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }

    /// Runs the executable to the end on a Dispatch thread, so the wait holds no thread of the
    /// cooperative pool (two on a 2-core machine): a test blocking one starves every other
    /// test's timing. `input`, when given, is its standard input.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, environment: extra, input: input) })
            }
        }
    }

    /// Starts the executable without waiting for it; its output goes to the null device.
    static func launch(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = process(arguments, environment: extra)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
