import Casework
import Testing

@Suite("Routing rules")
struct RouterTests {
    static let rules: [RoutingRule] = [
        RoutingRule(id: "gas-leak", when: .init(keywords: ["燃气泄漏", "煤气味", "gas leak"]), then: .init(lead: "gas", priority: "urgent", policy: "urgent")),
        RoutingRule(id: "water-chaoyang", when: .init(category: ["0301"], area: ["110105"]), then: .init(lead: "water-cy", assist: ["street-cy-01"])),
        RoutingRule(id: "water", when: .init(category: ["0301"]), then: .init(lead: "water", policy: "utilities")),
        RoutingRule(id: "noise-app", when: .init(category: ["05"], channel: ["app"]), then: .init(lead: "env-app")),
        RoutingRule(id: "noise", when: .init(category: ["05"], keywords: ["噪音", "施工"]), then: .init(lead: "env")),
    ]
    static let router = Router(
        version: 7, rules: rules, backstops: ["110105": "district-cy", "110108": "district-hd"],
        categoryPolicies: ["03": "utilities", "05": "ordinary", "0502": "complex"])

    static func input(category: String, area: String = "110105001", channel: String = "phone", title: String = "问题", description: String = "描述", excluded: Set<String> = [], returns: Int = 0) -> RoutingInput {
        RoutingInput(category: category, area: area, channel: channel, title: title, description: description, excluded: excluded, returns: returns)
    }

    @Test func firstMatchWins() {
        let decision = Self.router.route(Self.input(category: "030101"))
        #expect(decision.ruleID == "water-chaoyang")
        #expect(decision.outcome == .dispatched(lead: "water-cy", assists: ["street-cy-01"]))
        #expect(decision.policy == "utilities")
        let elsewhere = Self.router.route(Self.input(category: "030101", area: "110108003"))
        #expect(elsewhere.ruleID == "water")
    }

    @Test func chineseKeywordsMatchWithoutWordSplitting() {
        let decision = Self.router.route(Self.input(category: "010101", title: "楼道里有很重的煤气味请尽快处理", description: "住户反映"))
        #expect(decision.ruleID == "gas-leak")
        #expect(decision.priority == "urgent")
        #expect(decision.policy == "urgent")
        let inDescription = Self.router.route(Self.input(category: "050201", title: "扰民", description: "夜间施工到凌晨两点"))
        #expect(inDescription.ruleID == "noise")
        #expect(Self.router.route(Self.input(category: "010101", title: "GAS LEAK in block 3")).ruleID == "gas-leak")
    }

    @Test func aKeywordDoesNotSpanTitleAndDescription() {
        let decision = Self.router.route(Self.input(category: "050201", title: "噪", description: "音"))
        #expect(decision.ruleID == nil)
    }

    @Test func channelConditions() {
        #expect(Self.router.route(Self.input(category: "050101", channel: "app")).ruleID == "noise-app")
        #expect(Self.router.route(Self.input(category: "050101", channel: "phone", title: "噪音")).ruleID == "noise")
    }

    @Test func returnedDepartmentsAreSkipped() {
        let decision = Self.router.route(Self.input(category: "030101", excluded: ["water-cy"], returns: 1))
        #expect(decision.ruleID == "water")
        #expect(decision.lead == "water")
        #expect(decision.reason.contains("skipped water-chaoyang"))
    }

    @Test func noMatchGoesToTheBackstopThenTheDesk() {
        let backstop = Self.router.route(Self.input(category: "090101", area: "110105012"))
        #expect(backstop.outcome == .dispatched(lead: "district-cy", assists: []))
        #expect(backstop.ruleID == nil)
        let desk = Self.router.route(Self.input(category: "090101", area: "120101001"))
        #expect(desk.outcome == .manualDispatch)
        let backstopReturned = Self.router.route(Self.input(category: "090101", area: "110105012", excluded: ["district-cy"], returns: 1))
        #expect(backstopReturned.outcome == .manualDispatch)
    }

    @Test func tooManyReturnsGoToTheDesk() {
        let decision = Self.router.route(Self.input(category: "030101", excluded: ["water-cy", "water"], returns: 2))
        #expect(decision.outcome == .manualDispatch)
        #expect(decision.reason.contains("returned 2 times"))
    }

    @Test func policiesComeFromTheNearestCategory() {
        #expect(Self.router.policy(forCategory: "050201") == "complex")
        #expect(Self.router.policy(forCategory: "050101") == "ordinary")
        #expect(Self.router.policy(forCategory: "990101") == "ordinary")
    }

    @Test func traceNamesTheFailedCondition() {
        let trace = Self.router.trace(Self.input(category: "050101", title: "噪音"))
        #expect(trace.count == 5)
        #expect(trace[1].failure == "category 050101 does not start with 0301")
        #expect(trace[3].failure == "channel phone is not app")
        #expect(trace[4].failure == nil)
    }
}
