import Casework
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Department webhooks")
struct WebhookTests {
    @Test func theSignatureIsHMACSHA256OfTimestampAndBody() {
        // Computed independently: HMAC-SHA256("Jefe", "1700000000." + body), hex.
        let signature = WebhookJobHandler.signature(body: Data(#"{"event":"dispatched"}"#.utf8), timestamp: 1_700_000_000, secret: "Jefe")
        #expect(signature == "sha256=17a93f6a40c291fc34c6657a98c27e7a0c14b67b3ba7f0b7f78af35b06ad8190")
        #expect(WebhookJobHandler.signature(body: Data("{}".utf8), timestamp: 1, secret: "k")
            != WebhookJobHandler.signature(body: Data("{}".utf8), timestamp: 2, secret: "k"))
    }

    @Test func dispatchQueuesASignedEventWithoutPersonalDataAndRetriesFailures() async throws {
        try await CaseworkFixture.run { fixture in
            // A webhook on a port nobody listens on: every delivery fails and is retried.
            try await fixture.client.withConnection { connection in
                try connection.execute("UPDATE departments SET webhook_url = 'http://127.0.0.1:9/hook', webhook_secret = 's3cret' WHERE code = 'water'")
            }
            let id = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(id, .dispatched)
            let failed = try await TestDatabase.eventually {
                try await fixture.client.withConnection { connection in
                    try connection.query("SELECT coalesce(attempt >= 1 AND last_error LIKE '%water webhook unreachable%', false) FROM jobs WHERE kind = 'department.webhook'")
                        .scalar(Bool.self) ?? false
                }
            }
            #expect(failed)
            let payload = try await fixture.client.withConnection { connection in
                try connection.query("SELECT payload::text FROM jobs WHERE kind = 'department.webhook'").scalar(String.self)
            }
            let text = try #require(payload)
            #expect(text.contains("\"event\": \"dispatched\""))
            #expect(text.contains("下水道堵塞"))
            #expect(!text.contains("13812345678"))
            #expect(!text.contains("张三"))
            #expect(!text.contains("s3cret"))
        }
    }

    @Test func aLiveReceiverGetsTheSignedEventAgainAfterAFailureUntilItAnswers2xx() async throws {
        let receiver = WebhookReceiver(failFirst: 1)
        try await receiver.running { port in
            try await CaseworkFixture.run { fixture in
                try await fixture.client.withConnection { connection in
                    try connection.execute(
                        "UPDATE departments SET webhook_url = \("http://127.0.0.1:\(port)/hook"), webhook_secret = 's3cret' WHERE code = 'water'")
                }
                let id = try await fixture.submit(CaseworkFixture.complaint())
                try await fixture.waitFor(id, .dispatched)
                // The first delivery is answered 503 and retried with the queue's backoff; the
                // second is answered 200 and the job is done.
                let delivered = try await TestDatabase.eventually(within: .seconds(20)) {
                    guard receiver.deliveries.count == 2 else { return false }
                    let left = try await fixture.client.withConnection {
                        try $0.query("SELECT count(*) FROM jobs WHERE kind = 'department.webhook'").scalar(Int.self)
                    }
                    return left == 0
                }
                #expect(delivered)
                let deliveries = receiver.deliveries
                try #require(deliveries.count == 2)
                for delivery in deliveries {
                    #expect(delivery.headers["X-Civicq-Event"] == "dispatched")
                    #expect(delivery.headers["Content-Type"] == "application/json")
                    let timestamp = try #require(delivery.headers["X-Civicq-Timestamp"].flatMap { Int($0) })
                    #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 120)
                    #expect(delivery.headers["X-Civicq-Signature"]
                        == WebhookJobHandler.signature(body: delivery.body, timestamp: timestamp, secret: "s3cret"))
                    let body = try #require(try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any])
                    #expect(body["event"] as? String == "dispatched")
                    #expect(body["department"] as? String == "water")
                    let details = try #require(body["case"] as? [String: Any])
                    #expect((details["id"] as? NSNumber)?.int64Value == id)
                    #expect(details["title"] as? String == "下水道堵塞")
                    #expect(details["response_due"] is String)
                    let text = String(decoding: delivery.body, as: UTF8.self)
                    #expect(!text.contains("13812345678") && !text.contains("张三") && !text.contains("s3cret"))
                }
                // The same delivery id on the retry, so the receiver can drop a duplicate.
                #expect(deliveries[0].headers["X-Civicq-Delivery"] != nil)
                #expect(deliveries[0].headers["X-Civicq-Delivery"] == deliveries[1].headers["X-Civicq-Delivery"])
            }
        }
    }
}

/// A department's system on a local port: records each delivery and answers 503 to the first
/// `failFirst`, then 200.
private final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let headers: [String: String]
        let body: Data
    }

    let failFirst: Int
    private let received = Mutex<[Delivery]>([])
    var deliveries: [Delivery] { received.withLock { $0 } }

    init(failFirst: Int) { self.failFirst = failFirst }

    /// Runs the receiver on a free port while `body` runs.
    func running(_ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("hook") { [self] request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.capitalizedHeaderName] = field.value }
            let count = received.withLock { list in
                list.append(Delivery(headers: headers, body: Data(bytes.readableBytesView)))
                return list.count
            }
            return count <= failFirst ? .serviceUnavailable : .ok
        }
        let port = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                port.continuation.yield(channel.localAddress?.port ?? 0)
                port.continuation.finish()
            }, logger: TestDatabase.logger)
        // A server that cannot start ends the stream, so the wait below fails instead of hanging.
        let server = Task {
            defer { port.continuation.finish() }
            try await app.run()
        }
        var ports = port.stream.makeAsyncIterator()
        do {
            let bound = try #require(await ports.next())
            try await body(bound)
        } catch {
            server.cancel()
            _ = await server.result
            throw error
        }
        server.cancel()
        _ = await server.result
    }
}

private extension String {
    /// `x-civicq-event` → `X-Civicq-Event`, as the handler names its headers.
    var capitalizedHeaderName: String {
        split(separator: "-", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }
}

/// The delivery itself (`WebhookPost`, SwiftNIO): a certificate nobody vouches for is refused,
/// and a receiver that accepts but never answers is given up on at the deadline.
@Suite("Webhook delivery over TLS and with a deadline")
struct WebhookPostTests {
    /// Runs a helper program in the background until `body` is done.
    static func withServer<R>(_ arguments: [String], _ body: () async throws -> R) async throws -> R {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // SIGKILL: a child of the test process may inherit SIGTERM blocked.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        return try await body()
    }

    static func port() -> Int {
        let socket = Process()
        socket.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        socket.arguments = ["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]
        let pipe = Pipe()
        socket.standardOutput = pipe
        try? socket.run()
        socket.waitUntilExit()
        return Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Polls until something listens on `port`.
    static func listening(_ port: Int) async throws -> Bool {
        try await TestDatabase.eventually(within: .seconds(20)) {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            probe.arguments = ["python3", "-c", "import socket; socket.create_connection(('127.0.0.1', \(port)), 1)"]
            probe.standardError = FileHandle.nullDevice
            try probe.run()
            probe.waitUntilExit()
            return probe.terminationStatus == 0
        }
    }

    @Test func aSelfSignedCertificateIsRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (key, cert) = (directory.appendingPathComponent("key.pem").path, directory.appendingPathComponent("cert.pem").path)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                          "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        make.standardError = FileHandle.nullDevice
        try make.run()
        make.waitUntilExit()
        try #require(make.terminationStatus == 0, "openssl could not make a certificate")
        let port = Self.port()
        try await Self.withServer(["openssl", "s_server", "-accept", String(port), "-cert", cert, "-key", key, "-www", "-quiet"]) {
            let up = try await Self.listening(port)
            #expect(up)
            await #expect {
                _ = try await WebhookPost.send(Data("{}".utf8), to: URL(string: "https://localhost:\(port)/hook")!, headers: [], timeout: .seconds(30))
            } throws: { ($0 as? WebhookPost.Failure)?.description.contains("connection failed") == true }
        }
    }

    @Test func aReceiverThatNeverAnswersIsGivenUpOnAtTheDeadline() async throws {
        let port = Self.port()
        let silent = "import socket, time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
            + "s.bind(('127.0.0.1', \(port))); s.listen(5); c=s.accept(); time.sleep(60)"
        try await Self.withServer(["python3", "-c", silent]) {
            let up = try await Self.listening(port)
            #expect(up)
            let started = ContinuousClock.now
            await #expect {
                _ = try await WebhookPost.send(Data("{}".utf8), to: URL(string: "http://127.0.0.1:\(port)/hook")!, headers: [], timeout: .seconds(1))
            } throws: { ($0 as? WebhookPost.Failure)?.description == "no answer within 1 s" }
            // Given up on at the deadline, not when the receiver hung up (after 60 s).
            #expect(ContinuousClock.now - started < .seconds(50))
        }
        #expect(throws: WebhookPost.Failure.self) {
            _ = try WebhookPost.validate(URL(string: "ftp://example.org/x")!)
        }
    }
}
