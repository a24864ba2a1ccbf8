import Crypto
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Passwords (PostgreSQL)")
struct PasswordTests {
    @Test("setPassword stores a SCRAM-SHA-256 verifier of the password, with a fresh salt each time; a login may change its own")
    func scramVerifier() async throws {
        let role = TestDatabase.uniqueName("pw")
        try await TestDatabase.withSchema { client, _ async throws in
            try await client.withConnection { try $0.executeScript("CREATE ROLE \(role) LOGIN") }
            do {
                try await check(role, client)
            } catch {
                try? await client.withConnection { try $0.executeScript("DROP ROLE IF EXISTS \(role)") }
                throw error
            }
            try await client.withConnection { try $0.executeScript("DROP ROLE \(role)") }
        }
    }

    private func check(_ role: String, _ client: PostgresClient) async throws {
        func stored() async throws -> String {
            try await client.withConnection {
                try $0.query("SELECT rolpassword FROM pg_authid WHERE rolname = \(role)").scalar(String.self) ?? ""
            }
        }
        try await client.withConnection { try $0.setPassword("热线 12345!", for: role) }
        let first = try await stored()
        #expect(try SCRAMVerifier(first).matches("热线 12345!"))
        #expect(try !SCRAMVerifier(first).matches("热线 12346!"))
        try await client.withConnection { try $0.setPassword("热线 12345!", for: role) }
        #expect(try await stored() != first)

        // The login itself, without CREATEROLE, changes its own password.
        let own = PostgresClient(configuration: .init(connection: try TestDatabase.configuration(user: role), size: 1), logger: TestDatabase.logger)
        try await own.withConnection { try $0.setPassword("another one", for: role) }
        await own.close()
        #expect(try SCRAMVerifier(try await stored()).matches("another one"))

        await #expect(throws: PostgresError.self) {
            try await client.withConnection { try $0.setPassword("", for: role) }
        }
    }
}

/// A stored `SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey`, checked against a password
/// by computing RFC 5802's keys here (PBKDF2-HMAC-SHA256, then HMAC and SHA-256).
private struct SCRAMVerifier {
    let iterations: Int
    let salt: Data
    let storedKey: Data
    let serverKey: Data

    init(_ text: String) throws {
        let parts = text.split(separator: "$")
        let head = parts.count == 3 ? parts[1].split(separator: ":") : []
        let keys = parts.count == 3 ? parts[2].split(separator: ":") : []
        guard parts.first == "SCRAM-SHA-256", head.count == 2, keys.count == 2,
              let iterations = Int(head[0]), let salt = Data(base64Encoded: String(head[1])),
              let storedKey = Data(base64Encoded: String(keys[0])), let serverKey = Data(base64Encoded: String(keys[1]))
        else { throw TestSetupError(message: "not a SCRAM-SHA-256 verifier") }
        (self.iterations, self.salt, self.storedKey, self.serverKey) = (iterations, salt, storedKey, serverKey)
    }

    func matches(_ password: String) -> Bool {
        let key = SymmetricKey(data: Data(password.utf8))
        var block = Data(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var salted = block
        for _ in 1..<iterations {
            block = Data(HMAC<SHA256>.authenticationCode(for: block, using: key))
            salted = Data(zip(salted, block).map { $0 ^ $1 })
        }
        let saltedKey = SymmetricKey(data: salted)
        let clientKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: saltedKey))
        let server = Data(HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: saltedKey))
        return Data(SHA256.hash(data: clientKey)) == storedKey && server == serverKey
    }
}
