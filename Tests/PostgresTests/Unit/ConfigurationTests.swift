import Foundation
import Testing

@testable import Postgres

@Suite("Configuration")
struct ConfigurationTests {
    @Test("a URI and a conninfo string are accepted and summarised without the password")
    func validStrings() throws {
        let uri = try PostgresConfiguration(conninfo: "postgresql://alice:s3cret@db.example:6543/hotline?sslmode=require")
        #expect(uri.summary == "alice@db.example:6543/hotline")
        #expect(uri.parameters["sslmode"] == "require")
        #expect(uri.parameters["password"] == nil)
        let keywords = try PostgresConfiguration(conninfo: "host=10.0.0.9 port=5444 dbname=cases user=bob password='pa ss'")
        #expect(keywords.summary == "bob@10.0.0.9:5444/cases")
        #expect(!keywords.summary.contains("pa ss"))
    }

    @Test("an unknown option is named in the error")
    func unknownOption() {
        #expect {
            try PostgresConfiguration(conninfo: "host=x bogus_option=1")
        } throws: { error in
            let error = error as! PostgresError
            return error.code == .invalidConfiguration && error.description.contains("bogus_option")
        }
    }

    @Test("a malformed string never echoes the password", arguments: [
        "postgresql://alice:TopSecret42@host:notaport/db",
        "host=x password=TopSecret42 port",
        "postgresql://alice:TopSecret42@host/db?nonsense=TopSecret42",
    ])
    func passwordNotEchoed(conninfo: String) {
        do {
            _ = try PostgresConfiguration(conninfo: conninfo)
            Issue.record("expected \(conninfo.count)-character string to be rejected")
        } catch {
            let error = error as! PostgresError
            #expect(error.code == .invalidConfiguration)
            #expect(!error.description.contains("TopSecret42"))
            #expect(!error.debugDescription.contains("TopSecret42"))
        }
    }

    @Test("DATABASE_URL is used when set; otherwise libpq's PG* defaults apply")
    func environment() throws {
        let fromURL = try PostgresConfiguration.fromEnvironment(["DATABASE_URL": "postgresql://u@h:1/d"])
        #expect(fromURL.conninfo == "postgresql://u@h:1/d")
        let fromPG = try PostgresConfiguration.fromEnvironment(["PGHOST": "h"])
        #expect(fromPG.conninfo == "")
        #expect(throws: PostgresError.self) { try PostgresConfiguration.fromEnvironment(["DATABASE_URL": "postgresql://u@h:x:y/d"]) }
    }

    @Test("a connect timeout is added only when the user set none")
    func connectTimeout() throws {
        let defaulted = try PostgresConfiguration(conninfo: "host=h", options: .init(connectTimeoutSeconds: 7))
        #expect(defaulted.connectParameters.contains { $0 == ("connect_timeout", "7") })
        let explicit = try PostgresConfiguration(conninfo: "host=h connect_timeout=3")
        #expect(!explicit.connectParameters.contains { $0.0 == "connect_timeout" })
    }
}
