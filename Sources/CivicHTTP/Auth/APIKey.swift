public import Foundation
import Crypto

/// An API key: `cq_` + an 8-character prefix that names the key's row + `_` + a 32-character
/// secret, all lowercase letters and digits (about 165 bits of chance in the secret). Only the
/// SHA-256 of the whole key is stored; a fast hash suffices because the key is random, not
/// a password a person chose.
public struct APIKey: Sendable, Equatable, CustomStringConvertible {
    public let prefix: String
    public let text: String

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// A new random key.
    public static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> String { String((0..<count).map { _ in alphabet.randomElement(using: &generator)! }) }
        let prefix = random(8)
        return APIKey(prefix: prefix, text: "cq_\(prefix)_\(random(32))")
    }

    /// The key in `text`, if it has the form of one.
    public init?(parsing text: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "cq", parts[1].count == 8, parts[2].count == 32,
              (parts[1] + parts[2]).allSatisfy({ Self.alphabet.contains($0) }) else { return nil }
        self.init(prefix: String(parts[1]), text: text)
    }

    private init(prefix: String, text: String) {
        self.prefix = prefix
        self.text = text
    }

    /// SHA-256 of the key, as stored.
    public var hash: Data { Data(SHA256.hash(data: Data(text.utf8))) }

    /// Whether `stored` is this key's hash, compared in constant time.
    public func matches(_ stored: Data) -> Bool {
        let mine = hash
        guard mine.count == stored.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(mine, stored) { difference |= a ^ b }
        return difference == 0
    }

    /// Only the prefix: a key never appears whole in logs or errors.
    public var description: String { "cq_\(prefix)_…" }
}
