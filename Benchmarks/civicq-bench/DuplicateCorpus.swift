import Casework
import Foundation

/// A generated set of complaints with planted duplicates, for `civicq-bench ledger`.
///
/// Each *problem* is one thing wrong at one place: a kind (drain, noise, rubbish, road, fumes,
/// power), an object, what is wrong with it, one or two effects, a road and number, a
/// residential compound and a landmark, in one community of one street. Its first report is
/// followed by 0 to 3 more (planted duplicates): mostly other callers, in the same or a
/// neighbouring community of the street, each written anew: other synonyms for the object,
/// the fault and the effects, the place said differently or in part, the clauses in another
/// order, other fillers, the address field filled or not. The other problems of the same kind
/// in the same street are the hard negatives: same vocabulary, another place. A few callers
/// report two different problems (same caller, not a duplicate).
struct DuplicateCorpus {
    struct Report {
        let problem: Int
        let kind: Int
        let street: Int
        let community: Int
        let phone: Int
        let text: String
    }

    struct Kind {
        let title: String
        let objects: [[String]]
        let faults: [[String]]
        let effects: [[String]]
    }

    static let kinds: [Kind] = [
        Kind(title: "下水道堵塞", objects: [["下水道", "下水管道", "排水管道"], ["污水井", "污水检查井", "窨井"], ["化粪池", "化粪池管道"]],
             faults: [["堵塞", "堵了", "不通"], ["冒水", "往外冒水", "返水"]],
             effects: [["污水漫到路上", "污水流到路面上", "污水漫上人行道"], ["臭味很大", "臭气熏天", "味道非常难闻"], ["家里下水返上来", "卫生间地漏返水"]]),
        Kind(title: "社会生活噪声", objects: [["烧烤店", "烧烤摊"], ["广场舞音响", "跳广场舞的音响"], ["KTV", "歌厅"], ["装修电钻", "装修的电钻"]],
             faults: [["噪音很大", "声音特别大", "吵得厉害"], ["深夜还在营业", "半夜还不停"]],
             effects: [["影响休息", "没法睡觉", "严重影响睡眠"], ["孩子没法学习", "孩子写不了作业"]]),
        Kind(title: "垃圾清运", objects: [["垃圾桶", "垃圾箱"], ["建筑垃圾", "装修垃圾"], ["垃圾站", "垃圾中转点"]],
             faults: [["没人清运", "好几天没人收", "一直没有清理"], ["堆满了", "堆成了山"]],
             effects: [["苍蝇蚊子多", "蚊蝇滋生"], ["臭味很大", "气味难闻"], ["占了人行道", "挡住了路"]]),
        Kind(title: "道路破损", objects: [["路面", "马路"], ["人行道砖", "人行道地砖"], ["路沿石", "马路牙子"]],
             faults: [["坑洼不平", "有个大坑", "破损严重"], ["塌陷", "下沉"]],
             effects: [["电动车容易摔倒", "骑车很危险"], ["下雨就积水", "一下雨全是水"]]),
        Kind(title: "油烟扰民", objects: [["饭店排烟管", "餐馆油烟机"], ["露天烧烤", "烧烤炉子"]],
             faults: [["油烟直排", "油烟很大"], ["对着居民楼排烟", "烟往楼上飘"]],
             effects: [["不敢开窗", "家里全是油烟味"], ["衣服都有味", "呛得难受"]]),
        Kind(title: "停电", objects: [["整栋楼", "单元楼"], ["路灯", "小区路灯"]],
             faults: [["停电", "没电了", "断电"], ["不亮", "坏了"]],
             effects: [["冰箱里东西坏了", "没法做饭"], ["晚上出行不安全", "黑灯瞎火的"]]),
    ]

    static let roads = ["幸福路", "解放大道", "建设大道", "中山路", "胜利街", "黄浦路", "沿江大道", "京汉大道", "惠济路", "台北路",
                        "兴业路", "一元路", "二曜路", "三阳路", "四唯路", "工农兵路", "球场路", "后湖大道", "百步亭路", "新华路"]
    static let compounds = ["阳光", "锦绣", "和平", "翠苑", "江南", "紫荆", "丹水池", "花桥", "青年", "长江", "晨光", "金桥"]
    static let compoundKinds = ["小区", "花园", "家园", "新村"]
    static let landmarks = ["门口", "东门", "北门", "菜市场旁边", "公交站附近", "学校门口", "超市后面", "路口"]
    static let durations = ["已经%d天了", "%d天了", "持续%d天", "有%d天了"]
    static let fillers = ["请尽快处理", "希望相关部门管一管", "请派人来看看", "多次反映没人管", "麻烦尽快解决", "谢谢", ""]

    struct Problem {
        let kind: Int, object: Int, fault: Int, effects: [Int]
        let road: String, number: Int, compound: String, landmark: String, days: Int
        let street: Int, community: Int
    }

    let reports: [Report]

    /// `problems` problems spread over `streets` streets of 5 communities each.
    init(problems count: Int, streets: Int, seed: UInt64 = 12345) {
        var random = SeededRandom(seed: seed)
        var reports: [Report] = []
        var phone = 0
        for id in 0..<count {
            let kind = Int.random(in: 0..<Self.kinds.count, using: &random)
            let k = Self.kinds[kind]
            let effectCount = Int.random(in: 1...2, using: &random)
            let problem = Problem(
                kind: kind, object: Int.random(in: 0..<k.objects.count, using: &random), fault: Int.random(in: 0..<k.faults.count, using: &random),
                effects: Array((0..<k.effects.count).shuffled(using: &random).prefix(effectCount)),
                road: Self.roads.randomElement(using: &random)!, number: Int.random(in: 1...300, using: &random),
                compound: Self.compounds.randomElement(using: &random)! + Self.compoundKinds.randomElement(using: &random)!,
                landmark: Self.landmarks.randomElement(using: &random)!, days: Int.random(in: 2...10, using: &random),
                street: Int.random(in: 0..<streets, using: &random), community: Int.random(in: 0..<5, using: &random))
            phone += 1
            // A few callers also report another, unrelated problem: same caller, not a duplicate.
            let caller = id > 0 && Double.random(in: 0..<1, using: &random) < 0.05 ? reports[reports.count - 1].phone : phone
            reports.append(Report(problem: id, kind: kind, street: problem.street, community: problem.community, phone: caller,
                                  text: Self.render(problem, first: true, using: &random)))
            let roll = Double.random(in: 0..<1, using: &random)
            let repeats = roll < 0.5 ? 0 : roll < 0.75 ? 1 : roll < 0.9 ? 2 : 3
            for _ in 0..<repeats {
                let sameCaller = Double.random(in: 0..<1, using: &random) < 0.3
                if !sameCaller { phone += 1 }
                let community = Double.random(in: 0..<1, using: &random) < 0.6 ? problem.community : (problem.community + 1) % 5
                reports.append(Report(problem: id, kind: kind, street: problem.street, community: community,
                                      phone: sameCaller ? caller : phone, text: Self.render(problem, first: false, using: &random)))
            }
        }
        self.reports = reports
    }

    /// One report of `problem`: title, address field and description, as civicq compares them.
    static func render(_ problem: Problem, first: Bool, using random: inout SeededRandom) -> String {
        let kind = kinds[problem.kind]
        let street = "\(problem.road)\(problem.number)号"
        let place: String
        switch first ? 0 : Int.random(in: 0..<4, using: &random) {
        case 0: place = street + problem.compound + problem.landmark
        case 1: place = problem.compound + "（" + street + "）" + problem.landmark
        case 2: place = street + "附近"
        default: place = problem.compound + problem.landmark
        }
        let object = kind.objects[problem.object].randomElement(using: &random)!
        let fault = kind.faults[problem.fault].randomElement(using: &random)!
        var clauses = [place + "的" + object + fault]
        clauses += problem.effects.map { kind.effects[$0].randomElement(using: &random)! }
        clauses.append(String(format: durations.randomElement(using: &random)!, problem.days))
        if !first { clauses[1...].shuffle(using: &random) }
        let filler = fillers.randomElement(using: &random)!
        if !filler.isEmpty { clauses.append(filler) }
        let address = first || Double.random(in: 0..<1, using: &random) < 0.7 ? street : ""
        let title = Double.random(in: 0..<1, using: &random) < 0.5 ? kind.title : object + fault
        return [title, address, clauses.joined(separator: "，") + "。"].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Every pair of reports that civicq would compare (same kind, same street), scored.
    func scoredPairs(scorer: DuplicateScorer) -> [(score: Double, same: Bool)] {
        var pools: [Int: [Int]] = [:]
        for (index, report) in reports.enumerated() { pools[report.street * 16 + report.kind, default: []].append(index) }
        let grams = reports.map { TextGrams($0.text) }
        var pairs: [(Double, Bool)] = []
        for members in pools.values {
            // The pool is what a case's candidates are: the street's reports of its kind.
            let weights = DuplicateScorer.weights(for: members.map { grams[$0] })
            for (i, a) in members.enumerated() {
                for b in members[(i + 1)...] {
                    let x = reports[a], y = reports[b]
                    let candidate = DuplicateCandidate(
                        id: Int64(b), state: .dispatched, receivedAt: Date(), area: "", lead: nil, sameArea: x.community == y.community,
                        sameStreet: true, distance: nil, sameCaller: x.phone == y.phone, text: y.text)
                    let match = scorer.score(grams[a], candidate, grams: grams[b], weights: weights)
                    pairs.append((match.score, x.problem == y.problem))
                }
            }
        }
        return pairs
    }
}
