import Casework
import Foundation
import Postgres
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
}
