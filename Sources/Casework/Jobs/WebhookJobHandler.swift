import Crypto
public import Foundation
public import JobQueue
public import Postgres

/// `department.webhook`: POSTs a case event to a department's own system, signed with
/// HMAC-SHA256 under the department's secret, until it answers 2xx. Failures retry with the
/// queue's backoff and end in `civicq jobs dead` after 12 attempts.
///
/// Headers: `X-Civicq-Event`, `X-Civicq-Delivery` (the job id: the same on every retry, so
/// the receiver can ignore duplicates), `X-Civicq-Timestamp` (Unix seconds) and
/// `X-Civicq-Signature: sha256=<hex of HMAC(secret, timestamp + "." + body)>`.
public struct WebhookJobHandler: JobHandler {
    public let kind = CaseworkJobKind.webhook.rawValue
    public let timeout: Duration
    let client: PostgresClient

    public init(client: PostgresClient, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    struct WebhookFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// The signature header's value for `body` sent at `timestamp`.
    public static func signature(body: Data, timestamp: Int, secret: String) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    public func run(_ job: Job) async throws -> JobOutcome {
        guard let object = try JSONSerialization.jsonObject(with: Data(job.payload.text.utf8)) as? [String: Any],
              let department = object[WebhookPayload.CodingKeys.department.rawValue] as? String,
              let body = object[WebhookPayload.CodingKeys.body.rawValue] as? [String: Any]
        else { throw PermanentJobError("the payload has no department or body") }
        let event = body["event"] as? String ?? "unknown"
        let target = try await client.withConnection { connection in
            try connection.query(
                "SELECT webhook_url, webhook_secret FROM departments WHERE code = \(department) AND active AND webhook_url IS NOT NULL"
            ).first.map { try $0.decode((String, String).self) }
        }
        // The department removed its webhook since: nothing to deliver.
        guard let (address, secret) = target, let url = URL(string: address) else { return .completed }
        let bytes = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        let timestamp = Int(Date().timeIntervalSince1970)
        let headers = [
            ("Content-Type", "application/json"), ("X-Civicq-Event", event), ("X-Civicq-Delivery", String(job.id)),
            ("X-Civicq-Timestamp", String(timestamp)),
            ("X-Civicq-Signature", Self.signature(body: bytes, timestamp: timestamp, secret: secret)),
        ]
        let status: Int
        do {
            status = try await WebhookPost.send(bytes, to: url, headers: headers, timeout: timeout)
        } catch let failure as WebhookPost.Failure {
            throw WebhookFailure(description: "department \(department) webhook unreachable (\(failure.description))")
        }
        guard (200..<300).contains(status) else {
            throw WebhookFailure(description: "department \(department) webhook answered \(status)")
        }
        return .completed
    }
}
