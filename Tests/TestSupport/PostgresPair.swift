import Foundation

/// A primary (`a`) and a synchronous standby (`b`) of the test's own, on 127.0.0.1, made by
/// `scripts/pg-pair` (initdb, pg_basebackup): for the tests that fail over or read a standby.
/// Each has a database `civicq`; the tests connect as `postgres` (trust, loopback only).
/// ``remove()`` stops both and deletes their directory.
public struct PostgresPair: Sendable {
    public let directory: String
    public let primaryPort: Int
    public let standbyPort: Int

    /// The repository's `scripts/pg-pair`, found from this file's place in the checkout.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-pair").path
    }

    /// Starts a new pair in a new temporary directory (about 2 s).
    public static func start() async throws -> PostgresPair {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-pair-\(UUID().uuidString.prefix(8))").path
        let output = try await run(["start", directory])
        var ports: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let port = Int(parts[1]) { ports[String(parts[0])] = port }
        }
        guard let primary = ports["PRIMARY_PORT"], let standby = ports["STANDBY_PORT"] else {
            throw TestSetupError(message: "scripts/pg-pair start printed no ports: \(output)")
        }
        return PostgresPair(directory: directory, primaryPort: primary, standbyPort: standby)
    }

    /// One server's URL.
    public func url(port: Int) -> String { "postgresql://postgres@127.0.0.1:\(port)/civicq" }
    public var primaryURL: String { url(port: primaryPort) }
    public var standbyURL: String { url(port: standbyPort) }
    /// Both hosts, the writable one wanted: what a deployment with a standby gives every process.
    public var multiHostURL: String {
        "postgresql://postgres@127.0.0.1:\(primaryPort),127.0.0.1:\(standbyPort)/civicq?target_session_attrs=read-write&connect_timeout=3"
    }

    /// SIGKILL to the primary's postmaster: the machine dies.
    public func killPrimary() async throws { _ = try await Self.run(["kill", directory, "a"]) }
    /// Fast shutdown of the primary (a restart's first half, or maintenance).
    public func stopPrimary() async throws { _ = try await Self.run(["stop", directory, "a"]) }
    /// The stopped primary started again, on its port.
    public func startPrimary() async throws { _ = try await Self.run(["up", directory, "a"]) }
    /// The standby becomes the primary.
    public func promoteStandby() async throws { _ = try await Self.run(["promote", directory, "b"]) }
    /// Stops both at once and removes the directory.
    public func remove() async { _ = try? await Self.run(["remove", directory]) }

    /// Runs the script; its standard output, or an error with its standard error. (The script
    /// closes the descriptors it inherits before it starts servers, which would otherwise hold
    /// this process's pipes open and the wait would never end.)
    private static func run(_ arguments: [String]) async throws -> String {
        let outcome = try await ChildProcess.run(URL(fileURLWithPath: script), arguments)
        guard outcome.status == 0 else {
            throw TestSetupError(message: "scripts/pg-pair \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderr)")
        }
        return outcome.stdout
    }
}
