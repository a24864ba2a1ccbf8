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
