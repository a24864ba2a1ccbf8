import Casework
import Foundation

/// Reading and writing the log's key files.
enum LogKeyFile {
    /// The signing key in `path`, which must not be readable by others.
    static func read(_ path: String) throws -> LogSigningKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure.Refusal("the signing key file \(path) cannot be read")
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw CommandFailure.Refusal("the signing key file \(path) may be read by others: chmod 600 it")
        }
        return try LogSigningKey(parsing: String(decoding: data, as: UTF8.self))
    }

    /// The public key given as text (NAME+ID+KEY) or as a file holding it.
    static func verifier(_ text: String) throws -> LogVerifierKey {
        if text.contains("+") { return try LogVerifierKey(parsing: text) }
        guard let data = FileManager.default.contents(atPath: text) else {
            throw CommandFailure.Refusal("--key is neither a public key (NAME+ID+KEY) nor a readable file")
        }
        return try LogVerifierKey(parsing: String(decoding: data, as: UTF8.self))
    }

    /// Writes a new key to `path` (mode 600), refusing to overwrite one.
    static func create(_ path: String, name: String) throws -> LogSigningKey {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure.Refusal("\(path) exists: a signing key is never overwritten")
        }
        let key = try LogSigningKey(name: name)
        guard FileManager.default.createFile(atPath: path, contents: Data(key.fileText.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure.Refusal("\(path) cannot be written")
        }
        return key
    }
}
