import Casework
import Foundation
import Postgres
import TestSupport
import Testing
@testable import civicq

/// Every refusal civicq can print has its Chinese: the database's (read from the functions
/// of a migrated schema) and the CLI's own (read from the sources), and a sentence is put
/// into Chinese with its values.
@Suite("Refusals in the reader's language")
struct RefusalTests {
    /// The sentence a template makes with each value standing in as "7".
    static func sample(_ template: String) -> String { template.replacingOccurrences(of: "{}", with: "7") }

    @Test func everyRefusalOfTheDatabaseHasItsChinese() async throws {
        let sources = try await TestDatabase.withMigratedSchema { client, schema in
            try await client.withConnection { connection in
                try connection.query("""
                    SELECT p.proname::text, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = \(schema) AND p.prosrc ~ 'cq_fail|THEN '
                    """).map { try $0.decode((String, String).self) }
            }
        }
        var templates = Set<String>()
        let failing = try NSRegularExpression(pattern: #"cq_fail\('CQ\d+',\s*(?:format\()?'((?:[^']|'')*)'"#)
        let problems = try NSRegularExpression(pattern: #"THEN (?:format\()?'((?:[^']|'')*)'"#)
        for (name, source) in sources {
            let range = NSRange(source.startIndex..., in: source)
            // The sentences cq_fail raises, and those a *_problem function returns for its caller to raise.
            for expression in name.hasSuffix("_problem") ? [failing, problems] : [failing] {
                for match in expression.matches(in: source, range: range) {
                    guard let found = Range(match.range(at: 1), in: source) else { continue }
                    let text = source[found].replacingOccurrences(of: "''", with: "'")
                        .replacingOccurrences(of: "%s", with: "{}").replacingOccurrences(of: "%L", with: "{}")
                    templates.insert(text)
                }
            }
        }
        #expect(templates.count > 60, "\(templates.count) refusals found in the functions")
        // The words a refusal carries as values, such as the action require_actor names.
        let actions = try NSRegularExpression(pattern: #"require_actor\(ARRAY\[[^\]]*\],\s*(?:CASE WHEN \w+ THEN )?'([^']*)'(?: ELSE '([^']*)')?"#)
        for (_, source) in sources {
            for match in actions.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                for group in 1..<match.numberOfRanges {
                    guard let found = Range(match.range(at: group), in: source) else { continue }
                    #expect(Refusals.words[String(source[found])] != nil, "no Chinese for the action \(source[found])")
                }
            }
        }
        for template in templates.sorted() {
            let chinese = Refusals.say(Self.sample(template), in: .zhCN)
            #expect(chinese != Self.sample(template), "no Chinese for the database's \(template)")
        }
    }

    @Test func everyRefusalOfTheCommandLineHasItsChinese() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
        let body = #""((?:[^"\\]|\\"|\\\((?:[^()]|\([^()]*\))*\))*)""#
        let literal = try NSRegularExpression(pattern: #"(?:CaseworkError\(\.[a-zA-Z]+, |ValidationError\(|Refusal\(|Unreadable\()"# + body)
        // What files, intake checks, routing and the log's verification say (import, case submit, route explain, log verify).
        let reason = try NSRegularExpression(pattern: #"(?:message: |reason: |return )"# + body)
        let spoken = ["Intake/", "Import/", "Rules/Router", "EventLog/", "LogVerify"]
        let interpolation = try NSRegularExpression(pattern: #"\\\((?:[^()]|\([^()]*\))*\)"#)
        var count = 0
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)! where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            let expressions = spoken.contains(where: file.path.contains) ? [literal, reason] : [literal]
            for match in expressions.flatMap({ $0.matches(in: text, range: NSRange(text.startIndex..., in: text)) }) {
                guard let found = Range(match.range(at: 1), in: text) else { continue }
                let raw = String(text[found])
                let template = interpolation.stringByReplacingMatches(in: raw, range: NSRange(raw.startIndex..., in: raw), withTemplate: "{}")
                    .replacingOccurrences(of: #"\""#, with: "\"")
                count += 1
                #expect(Refusals.say(Self.sample(template), in: .zhCN) != Self.sample(template),
                        "no Chinese for \(template) (\(file.lastPathComponent))")
            }
        }
        #expect(count > 100, "\(count) refusals found in the sources")
    }

    @Test func aSentenceIsPutIntoChineseWithItsValues() {
        #expect(Refusals.say("case 12 is resolved: your department's task on it is finished", in: .zhCN)
                == "案件 12 处于 resolved（已办结）状态：本部门对它的任务已完成")
        #expect(Refusals.say("a handler may not take in complaints", in: .zhCN) == "承办人不可以受理诉求")
        #expect(Refusals.say("case 3 is dispatched; resolve needs it to be accepted, reopened", in: .zhCN)
                == "案件 3 处于 dispatched（已派单）状态；办结需要它处于 accepted（已签收）、reopened（重办）")
        // A sentence inside another, and a word in quotes kept as typed.
        #expect(Refusals.say("permission denied: a callback may not merge cases", in: .zhCN) == "无权限：回访员不可以并单")
        #expect(Refusals.say("'acept' is not a command of civicq case; did you mean 'accept'? (civicq case --help lists them)", in: .zhCN)
                == "'acept' 不是 civicq case 的命令；你是想输入 'accept' 吗？（civicq case --help 会列出所有命令）")
        // English stays; a sentence without a template stays as it is.
        #expect(Refusals.say("there is no case 9", in: .en) == "there is no case 9")
        #expect(Refusals.say("something new went wrong", in: .zhCN) == "something new went wrong")
    }
}
