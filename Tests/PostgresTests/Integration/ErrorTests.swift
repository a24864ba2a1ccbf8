import Foundation
import Logging
import Postgres
import TestSupport
import Testing

@Suite("Errors and broken connections (PostgreSQL)")
struct ErrorTests {
    @Test("a unique violation yields its SQLSTATE and constraint, not the duplicated value")
    func uniqueViolation() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let error = await #expect(throws: PostgresError.self) {
                try await client.withConnection { connection in
                    try connection.executeScript("CREATE TABLE citizens (phone text CONSTRAINT citizens_phone_key UNIQUE)")
                    try connection.execute("INSERT INTO citizens VALUES (\("13800138000"))")
                    try connection.execute("INSERT INTO citizens VALUES (\("13800138000"))")
                }
            }
            #expect(error?.code == .server)
            #expect(error?.sqlState == .uniqueViolation)
            #expect(error?.constraintName == "citizens_phone_key")
            #expect(error?.tableName == "citizens")
            #expect(error?.description.contains("13800138000") == false)
            #expect(error?.detail?.contains("13800138000") == true)
        }
    }

    @Test("a syntax error is reported with its position-free message")
    func syntaxError() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let error = await #expect(throws: PostgresError.self) {
                try await client.withConnection { try $0.query("SELEKT 1") }
            }
            #expect(error?.sqlState == .syntaxError)
            #expect(error?.description.contains("syntax error") == true)
            // The same connection still works.
            let one = try await client.withConnection { try $0.query("SELECT 1").scalar(Int.self) }
            #expect(one == 1)
        }
    }

    @Test("bad input is reported by name, never by value")
    func invalidInput() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let error = await #expect(throws: PostgresError.self) {
                try await client.withConnection { try $0.query("SELECT \("张三 13800138000")::int") }
            }
            #expect(error?.sqlState == .invalidTextRepresentation)
            #expect(error?.description.contains("13800138000") == false)
            #expect(error?.description.contains("张三") == false)
        }
    }

    @Test("a backend killed while idle is replaced before the next call")
    func killedWhileIdle() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            let first = try await client.withConnection { $0.backendPID }
            try await TestDatabase.terminate(backend: first)
            #expect(try await TestDatabase.waitUntilGone(backend: first))
            let (second, one) = try await client.withConnection { connection in
                (connection.backendPID, try connection.query("SELECT 1").scalar(Int.self))
            }
            #expect(second != first)
            #expect(one == 1)
        }
    }

    @Test("a backend killed mid-statement fails that call as connectionLost; the next call works")
    func killedWhileBusy() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            let pid = try await client.withConnection { $0.backendPID }
            async let killer: Void = {
                #expect(try await TestDatabase.waitUntilActive("SELECT pg_sleep(60)"))
                try await TestDatabase.terminate(backend: pid)
            }()
            let error = await #expect(throws: PostgresError.self) {
                try await client.withConnection { try $0.query("SELECT pg_sleep(60)") }
            }
            try await killer
            #expect(error?.code == .connectionLost)
            #expect(error?.isTransient == true)
            let next = try await client.withConnection { connection in (connection.backendPID, try connection.query("SELECT 2").scalar(Int.self)) }
            #expect(next.0 != pid)
            #expect(next.1 == 2)
        }
    }

    @Test("connection failures name the server, not the password")
    func connectionRefused() async throws {
        let configuration = try PostgresConfiguration(conninfo: "postgresql://alice:TopSecret42@127.0.0.1:1/nowhere?connect_timeout=2")
        let client = PostgresClient(configuration: .init(connection: configuration, size: 1), logger: TestDatabase.logger)
        let error = await #expect(throws: PostgresError.self) { try await client.withConnection { _ in 1 } }
        await client.close()
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("127.0.0.1") == true)
        #expect(error?.description.contains("TopSecret42") == false)
    }

    @Test("server notices go to swift-log, not stderr")
    func noticesAreLogged() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "notices") { _ in CapturingLogHandler(store: store) }
        try await TestDatabase.withSchema(logger: logger) { client, _ async throws in
            try await client.withConnection { connection in
                try connection.executeScript("DO $$ BEGIN RAISE NOTICE 'queue is warming up'; RAISE WARNING 'disk is filling'; END $$")
            }
        }
        #expect(store.messages.contains { $0.contains("queue is warming up") })
        #expect(store.messages.contains { $0.contains("disk is filling") })
    }

    @Test("statement_timeout from the configuration applies, and is not mistaken for a task cancellation")
    func statementTimeout() async throws {
        try await TestDatabase.withSchema(size: 1, statementTimeout: .milliseconds(200)) { client, _ in
            let error = await #expect(throws: PostgresError.self) {
                try await client.withConnection { try $0.query("SELECT pg_sleep(3)") }
            }
            #expect(error?.sqlState == .queryCanceled)
            let one = try await client.withConnection { try $0.query("SELECT 1").scalar(Int.self) }
            #expect(one == 1)
        }
    }
}
