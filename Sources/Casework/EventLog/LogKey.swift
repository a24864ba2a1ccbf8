import Crypto
import Foundation

/// The sealing worker's Ed25519 key in C2SP signed-note form. The private key file holds
/// `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>` (Go's `note.GenerateKey` form); the
/// public verifier key, which anyone may hold, is `<name>+<key id>+<base64(0x01 ‖ public key)>`.
/// The key id is the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). The name is
/// the log's origin, the first line of every checkpoint.
public struct LogSigningKey: Sendable {
    public let name: String
    let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init(name: String) throws(LogError) {
        try LogVerifierKey.checkName(name)
        self.name = name
        self.key = Curve25519.Signing.PrivateKey()
    }

    /// Reads a private key file's text.
    public init(parsing text: String) throws(LogError) {
        // The base64 key may itself hold '+': split off the four fields before it only.
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
              let raw = Data(base64Encoded: parts[4]), raw.count == 33, raw.first == 1,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw.dropFirst())
        else { throw LogError("the signing key file is not a PRIVATE+KEY+NAME+ID+KEY line (make one with civicq log keygen)") }
        try LogVerifierKey.checkName(parts[2])
        self.name = parts[2]
        self.key = key
        guard verifierKey.id == parts[3].lowercased() else { throw LogError("the signing key file's key id does not match its key") }
    }

    /// The private key file's text (one line).
    public var fileText: String {
        "PRIVATE+KEY+\(name)+\(verifierKey.id)+" + Data([1] + key.rawRepresentation).base64EncodedString() + "\n"
    }

    public var verifierKey: LogVerifierKey {
        LogVerifierKey(name: name, publicKey: key.publicKey)
    }

    /// Signs a note's text (each line ending in a newline): the text, a blank line, one
    /// signature line.
    public func sign(_ text: String) throws -> String {
        precondition(text.hasSuffix("\n"), "a note's text ends in a newline")
        let signature = try key.signature(for: Data(text.utf8))
        let blob = Data(verifierKey.keyIDBytes + Array(signature))
        return text + "\n" + "\u{2014} \(name) " + blob.base64EncodedString() + "\n"
    }
}

/// A log's public key: checks checkpoint signatures. Parses and prints the verifier-key form.
public struct LogVerifierKey: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    let publicKey: Curve25519.Signing.PublicKey

    init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public init(parsing text: String) throws(LogError) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let raw = Data(base64Encoded: parts[2]), raw.count == 33, raw.first == 1,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
        else { throw LogError("a public key is NAME+ID+KEY, as civicq log key prints it") }
        try Self.checkName(parts[0])
        self.init(name: parts[0], publicKey: key)
        guard id == parts[1].lowercased() else { throw LogError("the public key's id does not match its key") }
    }

    public static func == (a: LogVerifierKey, b: LogVerifierKey) -> Bool {
        a.name == b.name && a.publicKey.rawRepresentation == b.publicKey.rawRepresentation
    }

    static func checkName(_ name: String) throws(LogError) {
        guard !name.isEmpty, !name.contains("+"), !name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
        else { throw LogError("a log's name has no spaces, control characters or '+'") }
    }

    var keyIDBytes: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, 0x01])
        hasher.update(data: publicKey.rawRepresentation)
        return Array(hasher.finalize().prefix(4))
    }

    /// The key id in hex, as in the key's text forms.
    public var id: String { keyIDBytes.map { String(format: "%02x", $0) }.joined() }

    public var description: String {
        "\(name)+\(id)+" + Data([1] + publicKey.rawRepresentation).base64EncodedString()
    }

    /// The text of a signed note whose signature by this key holds, or nil.
    public func verifiedText(of note: String) -> String? {
        guard let split = note.range(of: "\n\n", options: .backwards) else { return nil }
        let text = String(note[..<split.lowerBound]) + "\n"
        let prefix = "\u{2014} \(name) "
        for line in note[split.upperBound...].split(separator: "\n") where line.hasPrefix(prefix) {
            guard let blob = Data(base64Encoded: String(line.dropFirst(prefix.count))), blob.count == 68,
                  Array(blob.prefix(4)) == keyIDBytes else { continue }
            if publicKey.isValidSignature(blob.dropFirst(4), for: Data(text.utf8)) { return text }
        }
        return nil
    }
}

/// A problem with the log's keys, files or checkpoints, in a sentence without personal data.
public struct LogError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
