import ArgumentParser
import Casework
import Foundation

/// An example for every command's `--help` (and `civicq help …`), printed after
/// ArgumentParser's own text. One table, so that a test can check that no command lacks one.
enum HelpExamples {
    /// By command path (names as typed, without `civicq`).
    static let examples: [String: [String]] = [
        "": ["civicq case list --as water_wang", "civicq stats --period 2026-11", "civicq <command> --help"],
        "migrate": ["civicq migrate", "civicq migrate --status --json"],
        "doctor": ["civicq doctor"],
        "worker": ["civicq worker --concurrency 8 --queues routing,clocks,figures --metrics-port 9464 --log-key /etc/civicq/log.key"],
        "jobs": ["civicq jobs stats", "civicq jobs dead --limit 20"],
        "jobs stats": ["civicq jobs stats --json"],
        "jobs dead": ["civicq jobs dead --limit 20"],
        "jobs retry": ["civicq jobs retry 1042 1043", "civicq jobs retry --all-dead"],
        "jobs discard": ["civicq jobs discard 1042", "civicq jobs discard --all-dead"],
        "jobs cancel": ["civicq jobs cancel 1042"],
        "jobs enqueue": ["civicq jobs enqueue --kind queue.sleep --payload '{\"ms\": 100}'"],
        "case": ["civicq case list --as water_wang", "civicq case accept 42 --as water_wang"],
        "case list": ["civicq case list --as water_wang", "civicq case list --overdue --department all --limit 100 --as desk_li",
                      "civicq case list --state accepted --page 2 --json"],
        "case show": ["civicq case show 42", "civicq case show 42 --reveal --json --as desk_li"],
        "case history": ["civicq case history 42", "civicq case history 42 --json"],
        "case accept": ["civicq case accept 42 --as water_wang"],
        "case note": ["civicq case note 42 \"已联系市民，明早上门\" --as water_wang", "civicq case note 42 \"已安排维修\" --public"],
        "case resolve": ["civicq case resolve 42 --reply \"已疏通下水道，路面已清理。\" --as water_wang"],
        "case return": ["civicq case return 42 --reason not_our_duty --text \"属于小区物业管理范围\" --as water_wang"],
        "case extend": ["civicq case extend 42 --until 2026-12-18 --reason \"需协调管网施工\" --as water_wang",
                        "civicq case extend 42 --until \"2026-12-18 18:00\" --reason \"等待配件\""],
        "case assign": ["civicq case assign 42 --lead water --assist urban --reason \"人工派单\" --as desk_li"],
        "case merge": ["civicq case merge 43 into 42 --as water_wang"],
        "case duplicates": ["civicq case duplicates 42 --as desk_li"],
        "case withdraw": ["civicq case withdraw 42 --reason \"市民来电撤诉\" --as desk_li"],
        "case reject": ["civicq case reject 42 --reason \"无效诉求\" --as desk_li"],
        "case submit": ["civicq case submit --category 020103 --area 420102001 --title 下水道堵塞 --description \"楼下下水道堵了\" --as desk_li"],
        "callback": ["civicq callback next --as callback_zhao"],
        "callback next": ["civicq callback next --as callback_zhao"],
        "callback record": ["civicq callback record 42 --solved yes --rating satisfied --as callback_zhao",
                            "civicq callback record 42 --unreachable --as callback_zhao"],
        "extensions": ["civicq extensions list --as desk_li"],
        "extensions list": ["civicq extensions list --all --as desk_li"],
        "extensions approve": ["civicq extensions approve 7 --reason \"需协调管网施工\" --as desk_li"],
        "extensions refuse": ["civicq extensions refuse 7 --reason \"情况简单，应按期办结\" --as desk_li"],
        "escalations": ["civicq escalations --days 3 --as water_chen", "civicq escalations --department water --json --as desk_li"],
        "departments": ["civicq departments import deploy/examples/departments.yaml"],
        "departments import": ["civicq departments import deploy/examples/departments.yaml"],
        "departments export": ["civicq departments export > departments.yaml"],
        "categories": ["civicq categories import deploy/examples/categories.yaml"],
        "categories import": ["civicq categories import deploy/examples/categories.yaml"],
        "calendar": ["civicq calendar import deploy/examples/calendar.yaml"],
        "calendar import": ["civicq calendar import deploy/examples/calendar.yaml"],
        "routes": ["civicq routes import deploy/examples/routes.yaml", "civicq route explain 42"],
        "routes import": ["civicq routes import deploy/examples/routes.yaml"],
        "routes explain": ["civicq route explain 42", "civicq route explain 42 --all"],
        "routes test": ["civicq route test --category 020103 --area 420102001 --text \"下水道堵塞\""],
        "routes learn": ["civicq route learn", "civicq route learn --evaluate --days 90 --json"],
        "routes models": ["civicq route models", "civicq route models --json"],
        "users": ["civicq users add water_wang --department water --role handler --password"],
        "users add": ["civicq users add water_wang --department water --role handler --name 王工 --password"],
        "users service": ["civicq users service civicq_app --password"],
        "users password": ["civicq users password", "civicq users password water_wang"],
        "users remove": ["civicq users remove water_wang"],
        "users list": ["civicq users list --json"],
        "serve": ["civicq serve --port 8080"],
        "keys": ["civicq keys create --source hotline"],
        "keys create": ["civicq keys create --source hotline", "civicq keys create --source office --scope dashboard:read"],
        "keys list": ["civicq keys list"],
        "keys revoke": ["civicq keys revoke 3"],
        "import": ["civicq import cases.jsonl --source archive-2026", "civicq import export.csv --source old-crm --encoding gbk"],
        "stats": ["civicq stats --period 2026-11", "civicq stats --period 2026-11-2 --by area --level street", "civicq stats ranking"],
        "stats table": ["civicq stats table --period 2026-Q4 --by category --csv > q4.csv"],
        "stats sources": ["civicq stats sources", "civicq stats sources --period 2026-11 --json"],
        "stats ranking": ["civicq stats ranking --period 2026-11 --level street"],
        "stats verify": ["civicq stats verify --period 2026-11",
                         "civicq stats verify --export log.jsonl --key \"$(cat log.pub)\" --period 2026-11"],
        "stats rollup": ["civicq stats rollup"],
        "top": ["civicq top", "civicq top --once --interval 5"],
        "log": ["civicq log keygen /etc/civicq/log.key --name 12345.example/civicq"],
        "log keygen": ["civicq log keygen /etc/civicq/log.key --name 12345.example/civicq"],
        "log key": ["civicq log key /etc/civicq/log.key > log.pub"],
        "log export": ["civicq log export log.jsonl", "civicq log export more.jsonl --from 100000"],
        "log verify": ["civicq log verify log.jsonl --key \"$(cat log.pub)\"", "civicq log verify --key log.pub"],
        "hotspots": ["civicq hotspots --as desk_li"],
        "hotspots list": ["civicq hotspots list --all --json --as desk_li"],
        "hotspots dismiss": ["civicq hotspots dismiss 5 --reason \"管网施工，已知\" --as desk_li"],
        "hotspots scan": ["civicq hotspots scan"],
        "ledger": ["civicq ledger list --all --as desk_li"],
        "ledger list": ["civicq ledger list --all --as desk_li"],
        "ledger show": ["civicq ledger show 3 --as desk_li"],
        "ledger new": ["civicq ledger new --title \"积水点整治\" --lead water --assisting urban --working-days 10 --case 42 --as desk_li",
                       "civicq ledger new --hotspot 5 --lead water --due 2026年12月15日 --as desk_li"],
        "ledger import": ["civicq ledger import 督察清单.csv --source \"第二轮督察\" --check --as desk_li"],
        "ledger link": ["civicq ledger link 3 --case 42 --case 43 --as desk_li"],
        "ledger progress": ["civicq ledger progress 3 --note \"已完成管网勘察\" --as water_wang"],
        "ledger close-out": ["civicq ledger close-out 3 --note \"已整改完毕\" --file 验收报告.pdf --as water_wang"],
        "ledger approve": ["civicq ledger approve 3 --note \"同意销号\" --as desk_li"],
        "ledger refuse": ["civicq ledger refuse 3 --reason \"请补充现场照片\" --as desk_li"],
        "ledger evidence": ["civicq ledger evidence 3 --output evidence/ --as desk_li"],
        "ledger report": ["civicq ledger report --period 2026-12-1 --html -o report.html --as desk_li"],
        "archive": ["civicq archive list"],
        "archive list": ["civicq archive list --json"],
        "archive detach": ["civicq archive detach --month 2024-01"],
    ]

    /// `civicq … --help` or `civicq help …`: the command's help (``HelpText``, in the language
    /// of `--lang` or the locale: help reads no database), then its examples. nil when the arguments ask for no help (or name no command).
    static func help(for arguments: [String]) -> String? {
        var words = arguments
        let asked: Bool
        if words.first == "help" {
            words.removeFirst()
            asked = true
        } else {
            asked = words.contains("--help") || words.contains("-h")
        }
        guard asked else { return nil }
        let (command, path, _) = CommandPath.walk(words.filter { !$0.hasPrefix("-") }, from: CivicQ.self)
        let environment = ProcessInfo.processInfo.environment
        let help = HelpText(language: Spoken.current, width: HelpText.terminalWidth(environment))
        var text = help.render(command, root: CivicQ.self)
        if let lines = examples[path.joined(separator: " ")] {
            text += "\n\n" + (help.language == .zhCN ? "示例：" : "EXAMPLES:") + "\n" + lines.map { "  " + $0 }.joined(separator: "\n")
        }
        return text
    }
}
