import ArgumentParser
import Casework
import CivicHTTP
import Foundation
import Postgres

/// `civicq keys`: API keys for intake systems.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "API keys for intake systems: create, list, revoke.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for an intake system; the key is printed once and never stored.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The intake system's name: its cases are stored under it (letters, digits, _ . -).") var source: String
        @Option(help: "What the key is for, for people.") var label: String?
        @Option(name: .customLong("scope"), help: "Limit the key to a scope (repeatable): \(APIScope.allCases.map(\.rawValue).joined(separator: ", ")). Default: all.")
        var scopes: [String] = []
        @Option(help: "Requests a second the key may make on average.") var rate = 50
        @Option(help: "Requests the key may make at once.") var burst = 100
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard source.range(of: "^[A-Za-z0-9_.-]{1,64}$", options: .regularExpression) != nil else {
                throw ValidationError("--source must be 1 to 64 letters, digits, _ . or -")
            }
            for scope in scopes where APIScope(rawValue: scope) == nil {
                throw ValidationError("--scope must be one of: \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard (1...100_000).contains(rate) else { throw ValidationError("--rate must be from 1 to 100000") }
            guard (1...1_000_000).contains(burst) else { throw ValidationError("--burst must be from 1 to 1000000") }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let store = APIKeyStore(schema: global.schemaName)
                let (source, label, rate, burst) = (source, label, rate, burst)
                let scopes = scopes.compactMap(APIScope.init(rawValue:))
                let (key, info) = try await global.withClient { client, _ in
                    try await client.withConnection { connection in
                        try store.create(source: source, label: label, scopes: scopes, ratePerSecond: rate, burst: burst, on: connection)
                    }
                }
                if json {
                    struct Created: Encodable { let key: String; let info: APIKeyInfo }
                    print(JSONOutput.render(Created(key: key.text, info: info)))
                    return
                }
                print(key.text)
                FileHandle.standardError.write(Data((Spoken.say("key \(info.id) for \(info.source): shown once, store it now (only its hash is kept)",
                                                                "密钥 \(info.id)（\(info.source)）：只显示这一次，请立即保存（系统只保留其哈希）") + "\n").utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every key: id, source, prefix, scopes, rate, state.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let store = APIKeyStore(schema: global.schemaName)
                let keys = try await global.withClient { client, _ in try await client.withConnection { try store.list(on: $0) } }
                if json { print(JSONOutput.render(keys)); return }
                let say = Spoken.say
                var table = TextTable(header: Spoken.current == .zhCN ? ["编号", "来源", "前缀", "范围", "每秒", "突发", "状态", "用途"]
                                                                      : ["id", "source", "prefix", "scopes", "rate/s", "burst", "state", "label"])
                for key in keys {
                    table.add([
                        String(key.id), key.source, "cq_\(key.prefix)_…", key.scopes.isEmpty ? say("all", "全部") : key.scopes.joined(separator: ","),
                        String(key.rate_per_second), String(key.burst), key.revoked_at == nil ? say("active", "有效") : say("revoked", "已吊销"), key.label ?? "",
                    ])
                }
                print(keys.isEmpty ? say("no keys", "没有密钥") : table.render())
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id or prefix; servers refuse it within 10 seconds.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key's id or prefix.") var key: String

        func run() async throws {
            try await CommandFailure.guarding {
                let store = APIKeyStore(schema: global.schemaName)
                let key = self.key
                let revoked = try await global.withClient { client, _ in try await client.withConnection { try store.revoke(key, on: $0) } }
                guard revoked else { throw CaseworkError(.notFound, "there is no active key \(key)") }
                print(Spoken.say("key \(key) revoked", "密钥 \(key) 已吊销"))
            }
        }
    }
}
