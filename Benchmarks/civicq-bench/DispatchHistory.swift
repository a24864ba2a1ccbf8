import Casework
import Foundation

/// A generated history of complaints and the units that finally handled them, for
/// `civicq-bench learn`. Not real complaints: words are made of characters drawn from a pool of
/// 3,000 CJK ideographs, so the model meets what it would meet in real text (2-grams, shared
/// characters, noise) without borrowing anyone's data. Its difficulty is set before any model
/// is run against it, and the bench reports it with the figures:
///
/// - 50 units in 10 groups of 5 whose topics overlap: 40 % of a complaint's topic words come
///   from its group's shared pool, and each unit shares 3 of its own 15 words with a sibling;
/// - each topic word has a dialect form (another word) used a quarter of the time;
/// - 3 % of characters are typos (another character of the pool);
/// - most of a text is filler every unit's complaints use; 10 % of texts ramble (100-400
///   words, a tenth of them on topic);
/// - 10 % of complaints also speak of a second problem (another group's unit);
/// - the category the intake chose is the unit's in 60 % of cases, a sibling's in 25 %, any in 15 %;
/// - one group is district offices, whose cases come from their district; the others' from anywhere;
/// - units are unevenly busy (the i-th busiest has weight 1 / (i + 1)^0.7);
/// - 5 % of labels are wrong (a random unit), in training and holdout alike.
struct DispatchHistory {
    static let unitCount = 50
    static let groups = 10
    static let wordsPerUnit = 15
    static let groupWords = 20
    static let fillerWords = 400

    let units: [String]
    private let own: [[String]]
    private let dialect: [String: String]
    private let group: [[String]]
    private let filler: [String]
    private let categories: [String]
    private let pool: [Unicode.Scalar]
    private let cumulative: [Double]
    private let seed: UInt64

    init(seed: UInt64 = 12_345) {
        self.seed = seed
        var random = SeededRandom(seed: seed)
        let pool = (0..<3_000).map { Unicode.Scalar(0x4E00 + UInt32($0) * 6)! }
        self.pool = pool
        func makeWord() -> String {
            String(String.UnicodeScalarView((0..<Int.random(in: 2...3, using: &random)).map { _ in pool.randomElement(using: &random)! }))
        }
        units = (0..<Self.unitCount).map { String(format: "unit%02d", $0) }
        var own = (0..<Self.unitCount).map { _ in (0..<Self.wordsPerUnit).map { _ in makeWord() } }
        // Each unit shares 3 of its words with its sibling in the group.
        for unit in 0..<Self.unitCount {
            let sibling = (unit / 5) * 5 + (unit % 5 + 1) % 5
            for index in 0..<3 { own[sibling][Self.wordsPerUnit - 1 - index] = own[unit][index] }
        }
        self.own = own
        var dialect: [String: String] = [:]
        for words in own { for word in words { dialect[word] = makeWord() } }
        self.dialect = dialect
        group = (0..<Self.groups).map { _ in (0..<Self.groupWords).map { _ in makeWord() } }
        filler = (0..<Self.fillerWords).map { _ in makeWord() }
        categories = (0..<Self.unitCount).map { String(format: "%02d%02d01", $0 / 5 + 1, $0 % 5 + 1) }
        var total = 0.0
        cumulative = (0..<Self.unitCount).map { total += 1 / pow(Double($0 + 1), 0.7); return total }
    }

    /// The `index`-th complaint of the history, one minute after the one before it, and the
    /// unit it was generated for (its label is another one for 5 % of cases).
    func example(_ index: Int) -> (example: DispatchExample, truth: String) {
        var random = SeededRandom(seed: seed &+ 0x9E37_79B9 &* UInt64(index + 1))
        let pick = Double.random(in: 0..<cumulative.last!, using: &random)
        let unit = cumulative.firstIndex { $0 > pick } ?? Self.unitCount - 1
        let groupIndex = unit / 5
        func topic(_ of: Int) -> String {
            var word = Double.random(in: 0..<1, using: &random) < 0.4
                ? group[of / 5].randomElement(using: &random)! : own[of].randomElement(using: &random)!
            if Double.random(in: 0..<1, using: &random) < 0.25, let other = dialect[word] { word = other }
            return word
        }
        let second = Double.random(in: 0..<1, using: &random) < 0.1 ? Int.random(in: 0..<Self.unitCount, using: &random) : nil
        let rambling = Double.random(in: 0..<1, using: &random) < 0.1
        let length = rambling ? Int.random(in: 100...400, using: &random) : Int.random(in: 8...30, using: &random)
        let onTopic = rambling ? 0.1 : 0.3
        var words: [String] = []
        for _ in 0..<length {
            if Double.random(in: 0..<1, using: &random) < onTopic {
                if let second, Double.random(in: 0..<1, using: &random) < 0.3 { words.append(topic(second)) } else { words.append(topic(unit)) }
            } else {
                words.append(filler.randomElement(using: &random)!)
            }
        }
        let title = topic(unit) + filler.randomElement(using: &random)! + (Bool.random(using: &random) ? topic(unit) : "")
        let roll = Double.random(in: 0..<1, using: &random)
        let category = roll < 0.6 ? categories[unit]
            : roll < 0.85 ? categories[groupIndex * 5 + Int.random(in: 0..<5, using: &random)] : categories.randomElement(using: &random)!
        let district = groupIndex == Self.groups - 1 ? unit % 5 : Int.random(in: 0..<10, using: &random)
        let area = String(format: "4201%02d%03d", district + 2, Int.random(in: 1...20, using: &random))
        let label = Double.random(in: 0..<1, using: &random) < 0.05 ? Int.random(in: 0..<Self.unitCount, using: &random) : unit
        let channel = ["phone", "web", "app", "wechat", "sms", "email"].randomElement(using: &random)!
        let example = DispatchExample(
            input: DispatchInput(
                category: category, area: area, channel: channel, title: typos(title, &random),
                description: typos(words.joined(separator: Bool.random(using: &random) ? "，" : ""), &random)),
            unit: units[label], received: Date(timeIntervalSince1970: 1_767_225_600 + Double(index) * 60))
        return (example, units[unit])
    }

    private func typos(_ text: String, _ random: inout SeededRandom) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value >= 0x4E00 && Double.random(in: 0..<1, using: &random) < 0.03 ? pool.randomElement(using: &random)! : scalar
        }))
    }
}
