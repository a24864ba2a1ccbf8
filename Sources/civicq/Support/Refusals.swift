import Casework
import Foundation

/// A refusal in the reader's language. The sentences are composed in English where they
/// arise (in the database's functions, whose messages every client reads, and in the CLI);
/// for a Chinese reader the sentence is matched against ``chinese``, the English templates
/// with their Chinese, and the values it carries are put into Chinese too where they are
/// words civicq knows (a state, a role, an action) or sentences of their own.
enum Refusals {
    /// `sentence` as `language` reads it; unchanged in English or when no template matches.
    static func say(_ sentence: String, in language: Language) -> String {
        language == .zhCN ? chinese(sentence, depth: 0) ?? sentence : sentence
    }

    private static func chinese(_ sentence: String, depth: Int) -> String? {
        guard depth < 3, let (pattern, values) = match(sentence) else { return nil }
        var text = pattern.chinese
        for (index, value) in values.enumerated().reversed() {
            let quoted = index < pattern.quoted.count && pattern.quoted[index]
            text = text.replacingOccurrences(of: "{\(index + 1)}", with: quoted ? value : word(value, depth: depth))
        }
        // No space between a value's closing parenthesis and the Chinese after it.
        return text.replacingOccurrences(of: #"(?<=）) (?=\p{Han})|(?<=\p{Han}) (?=（)"#, with: "", options: .regularExpression)
    }

    /// A value in Chinese: a known word (or a list of them), a sentence with a template, or
    /// itself (a number, a code, a name).
    private static func word(_ value: String, depth: Int) -> String {
        if let known = words[value] { return known }
        let parts = value.components(separatedBy: ", ")
        if parts.count > 1, parts.allSatisfy({ words[$0] != nil }) { return parts.compactMap { words[$0] }.joined(separator: "、") }
        return chinese(value, depth: depth + 1) ?? value
    }

    /// The Chinese template and the values of the English template that matches `sentence`;
    /// of several, the one with the most fixed text.
    private static func match(_ sentence: String) -> (Pattern, [String])? {
        let range = NSRange(sentence.startIndex..., in: sentence)
        for pattern in patterns {
            guard let found = pattern.regex.firstMatch(in: sentence, range: range) else { continue }
            let values = (1..<found.numberOfRanges).compactMap { Range(found.range(at: $0), in: sentence).map { String(sentence[$0]) } }
            return (pattern, values)
        }
        return nil
    }

    private struct Pattern: @unchecked Sendable {
        // NSRegularExpression is immutable and documented as safe to use from several threads.
        let regex: NSRegularExpression
        let chinese: String
        let fixed: Int
        /// For each value: whether it stands in quotes ('accept'), to be kept as typed.
        let quoted: [Bool]
    }

    /// The templates as expressions, the most specific first.
    private static let patterns: [Pattern] = (chinese + chineseOfTheCommandLine).compactMap { english, chinese in
        let parts = english.components(separatedBy: "{}")
        let expression = "^" + parts.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "(.*?)") + "$"
        guard let regex = try? NSRegularExpression(pattern: expression, options: [.dotMatchesLineSeparators]) else { return nil }
        return Pattern(regex: regex, chinese: chinese, fixed: parts.reduce(0) { $0 + $1.count },
                       quoted: parts.dropLast().map { $0.hasSuffix("'") || $0.hasSuffix("\"") })
    }.sorted { $0.fixed > $1.fixed }

    /// States, roles and actions as they appear in refusals. States keep their code, which
    /// the lists print, beside the Chinese.
    static let words: [String: String] = {
        var words: [String: String] = [:]
        let states = [
            "received": "已受理", "dispatched": "已派单", "accepted": "已签收", "resolved": "已办结", "closed": "已结案",
            "returned": "已退单", "reopened": "重办", "manual_dispatch": "待人工派单", "merged": "已并单", "withdrawn": "已撤诉",
            "rejected": "已驳回", "open": "未处理", "dismissed": "已搁置", "requested": "已申请销号", "close-out requested": "已申请销号",
            "closed out": "已销号", "closed_out": "已销号", "pending": "待审批", "approved": "已批准", "refused": "已驳回",
        ]
        for (code, name) in states { words[code] = "\(code)（\(name)）" }
        let others = [
            "handler": "承办人", "supervisor": "主管", "dispatcher": "派单员", "callback": "回访员", "admin": "管理员", "system": "系统",
            "route": "派单", "route_manual": "人工派单", "assign": "派单", "accept": "签收", "resolve": "办结", "return": "退单",
            "close": "结案", "reopen": "重办", "merge": "并单", "withdraw": "撤诉", "reject": "驳回", "note": "写备注",
            "extend": "延期", "nothing": "无", "link cases": "关联案件", "report progress": "报告进展", "request close-out": "申请销号",
            "approve": "批准", "refuse": "驳回", "progress": "报告进展",
            // What `require_actor` names (a handler may not …).
            "accept cases": "签收案件", "ask for close-out": "申请销号", "ask for extensions": "申请延期", "assign cases": "派单",
            "create ledger items": "创建台账事项", "dismiss hot spots": "搁置热点", "import ledger items": "导入台账事项",
            "link cases to ledger items": "把案件关联到台账事项", "look for duplicates": "查找重复件", "make callbacks": "进行回访",
            "merge cases": "并单", "read an inbox": "查看待办", "record callbacks": "记录回访", "report progress on ledger items": "报告台账进展",
            "resolve cases": "办结案件", "return cases": "退单", "rule on extensions": "审批延期", "see citizens": "查看市民信息",
            "take in complaints": "受理诉求", "write notes": "写备注", "approve close-out": "批准销号", "refuse close-out": "驳回销号",
            // What `ledger_lock` names (ledger item 3 is closed out: it cannot …).
            "take cases": "关联案件", "take progress notes": "记录进展", "be put up for close-out": "申请销号",
            "be closed out": "销号", "be refused": "被驳回",
        ]
        words.merge(others) { first, _ in first }
        return words
    }()
}
