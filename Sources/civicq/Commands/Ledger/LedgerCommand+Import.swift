import ArgumentParser
import Casework
import Foundation
import Postgres

extension LedgerCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a campaign's list of items, all or nothing (the hotline office).",
            discussion: """
                A CSV in UTF-8 or GB18030 with a header. Columns (English or Chinese): title \
                (事项, 问题, 整改事项), lead (牵头单位, 责任单位), due (完成时限: 2026-12-15, \
                2026/12/15 or 2026年12月15日, a working day), and optionally place (地点), area \
                (区划), assisting (配合单位; several separated by ; or 、), source (来源), ref \
                (编号, 序号). Every bad line is reported and nothing is stored (exit 65); \
                --check reports without storing.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The CSV file (- for standard input).") var file: String
        @Option(help: "Where the list comes from (an inspection, a campaign); a source column overrides it per line.") var source: String
        @Option(help: "The file's encoding: auto, utf8 or gb18030.") var encoding = "auto"
        @Flag(help: "Check every line, store nothing.") var check = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard LedgerList.Encoding(rawValue: encoding) != nil else { throw ValidationError("--encoding is auto, utf8 or gb18030") }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let bytes: [UInt8]
                if file == "-" {
                    bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
                } else {
                    guard let data = FileManager.default.contents(atPath: file) else { throw CaseworkError(.notFound, "cannot read \(file)") }
                    bytes = [UInt8](data)
                }
                let list = try LedgerList(bytes: bytes, encoding: LedgerList.Encoding(rawValue: encoding) ?? .auto)
                let (source, store) = (self.source, !check)
                let outcome = try await casework.run(global) { connection, casework in
                    try connection.transaction { try casework.importLedger(list, source: source, store: store, on: $0) }
                }
                if json {
                    print(JSONOutput.render(outcome))
                } else {
                    let say = Spoken.say
                    for problem in outcome.problems {
                        print(say("line \(problem.line): ", "第 \(problem.line) 行：") + Refusals.say(problem.reason, in: Spoken.current))
                    }
                    let ids = outcome.created.map(\.item).map(String.init).joined(separator: ", ")
                    let lines = list.rows.count + list.problems.count
                    if outcome.problems.isEmpty {
                        print(check ? say("\(list.rows.count) items checked: none is wrong; nothing stored", "已检查 \(list.rows.count) 个事项：没有错误；未保存")
                                    : say("\(outcome.created.count) ledger items imported (\(ids))", "已导入 \(outcome.created.count) 个台账事项（\(ids)）"))
                    } else {
                        print(say("\(outcome.problems.count) of \(lines) lines are wrong: nothing stored", "\(lines) 行中有 \(outcome.problems.count) 行有错：未保存任何内容"))
                    }
                }
                if !outcome.problems.isEmpty { throw ExitCode(CommandFailure.Code.dataError.rawValue) }
            }
        }
    }
}
