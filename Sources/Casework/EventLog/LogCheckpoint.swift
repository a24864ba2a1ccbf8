public import Foundation

/// A signed checkpoint in the C2SP tlog-checkpoint form: the origin, the tree size, the root
/// hash in base64, then civicq's extension lines (`time` in UTC; `sealed-below`, the
/// transaction id below which every event is in the tree; `period` for each 旬, month or
/// quarter it closes), a blank line and the signature line.
public struct LogCheckpoint: Sendable, Equatable {
    public let origin: String
    public let size: Int64
    public let root: [UInt8]
    public let time: Date
    /// Every event inserted by a transaction with a lower id is in the tree (0: no claim).
    public let sealedBelow: UInt64
    /// The reporting periods this checkpoint closes, such as `2026-11-3` or `2026-11`.
    public let periods: [String]

    public init(origin: String, size: Int64, root: [UInt8], time: Date, sealedBelow: UInt64 = 0, periods: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.time = time
        self.sealedBelow = sealedBelow
        self.periods = periods
    }

    /// The note's text, before signing.
    public var text: String {
        var lines = [origin, String(size), Data(root).base64EncodedString(), "time " + Self.format(time)]
        if sealedBelow > 0 { lines.append("sealed-below \(sealedBelow)") }
        lines += periods.map { "period " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    public func signed(by key: LogSigningKey) throws -> String {
        try key.sign(text)
    }

    /// Parses a signed note and checks its signature with `key`.
    /// - Throws: ``LogError`` when the signature does not hold or the text is not a checkpoint.
    public init(verifying note: String, with key: LogVerifierKey) throws(LogError) {
        guard let text = key.verifiedText(of: note) else { throw LogError("the checkpoint is not signed by the key \(key.name)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard lines.count >= 4, lines[0] == key.name, let size = Int64(lines[1]), size >= 0,
              let root = Data(base64Encoded: lines[2]), root.count == 32,
              lines[3].hasPrefix("time "), let time = Self.parse(String(lines[3].dropFirst(5)))
        else { throw LogError("a signed note is not a civicq checkpoint") }
        let sealedBelow = lines.dropFirst(4).first { $0.hasPrefix("sealed-below ") }.flatMap { UInt64($0.dropFirst(13)) } ?? 0
        self.init(origin: lines[0], size: size, root: Array(root), time: time, sealedBelow: sealedBelow,
                  periods: lines.dropFirst(4).filter { $0.hasPrefix("period ") }.map { String($0.dropFirst(7)) })
    }

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    static func parse(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(text)
    }
}
