import ArgumentParser
import Foundation
import Casework
import NIOCore
import Postgres

/// Turns errors into a plain sentence on standard error and a documented exit code.
enum CommandFailure {
    /// The exit codes of `civicq` (from sysexits.h).
    enum Code: Int32 {
        case usage = 64
        case dataError = 65
        case notFound = 66
        case notAUser = 67
        case wrongState = 73
        case unavailable = 69
        case software = 70
        case temporaryFailure = 75
        case permissionDenied = 77
        case configuration = 78
    }

    /// A refusal of what was typed (exit 64) that needs no usage text after it, unlike
    /// ArgumentParser's `ValidationError`.
    struct Refusal: Error {
        let sentence: String
        init(_ sentence: String) { self.sentence = sentence }
    }

    /// Runs a command's work; on failure prints `civicq: <sentence>` and exits with its code.
    static func guarding<R>(_ work: () async throws -> R) async throws -> R {
        do {
            return try await work()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            let (code, sentence) = describe(error)
            FileHandle.standardError.write(Data("civicq: \(Refusals.say(sentence, in: Spoken.current))\n".utf8))
            throw ExitCode(code.rawValue)
        }
    }

    /// ArgumentParser's "Error: …", "Usage: …" and "See '…' for more information." in the
    /// reader's language.
    static func usageMessage(_ message: String, in language: Language) -> String {
        guard language == .zhCN else { return message }
        return message.components(separatedBy: "\n").map { line in
            if line.hasPrefix("Error: ") { return "错误：" + Refusals.say(String(line.dropFirst(7)), in: language) }
            if line.hasPrefix("Usage: ") { return "用法：" + line.dropFirst(7) }
            if line.hasPrefix("Help:  "), let gap = line.range(of: "  ", options: .backwards) {
                let label = line[line.index(line.startIndex, offsetBy: 7)..<gap.lowerBound]
                return "帮助：" + label + "  " + HelpText(language: language, width: .max).translate(String(line[gap.upperBound...]))
            }
            if line.hasPrefix("  See '"), line.hasSuffix("' for more information.") {
                return "  更多信息见 '" + line.dropFirst(7).dropLast(23) + "'。"
            }
            return line
        }.joined(separator: "\n")
    }

    static func describe(_ error: any Error) -> (Code, String) {
        if let error = error as? CaseworkError {
            switch error.code {
            case .badInput: return (.usage, error.message)
            case .notFound: return (.notFound, error.message)
            case .notAUser: return (.notAUser, error.message)
            case .notPermitted: return (.permissionDenied, error.message)
            case .wrongState: return (.wrongState, error.message)
            }
        }
        if let error = error as? Refusal { return (.usage, error.sentence) }
        if let error = error as? LogError { return (.configuration, error.message) }
        if let error = error as? PostgresError, let casework = CaseworkError(error) { return describe(casework) }
        if let error = error as? PostgresError {
            switch error.code {
            case .invalidConfiguration: return (.configuration, error.reason)
            case .connectionFailed, .connectionLost, .poolClosed: return (.unavailable, error.reason)
            case .server:
                if error.sqlState == .insufficientPrivilege { return (.permissionDenied, "permission denied: \(error.reason)") }
                if ["42883", "42P01", "3F000"].contains(error.sqlState?.rawValue) {
                    return (.notAUser, "civicq's tables are not visible to this login: it is not a civicq user, or --schema is wrong")
                }
                if error.isTransient { return (.temporaryFailure, "\(error.reason); try again") }
                return (.software, "the database refused the request: \(error)")
            default: return (.software, error.description)
            }
        }
        if error is CancellationError { return (.temporaryFailure, "interrupted") }
        if let error = error as? ImportFile.Unreadable { return (.dataError, "the file cannot be imported: \(error.description)") }
        if let error = error as? LedgerList.Unreadable { return (.dataError, "the list cannot be imported: \(error.description)") }
        if let error = error as? IOError { return (.unavailable, "could not listen: \(error.description)") }
        return (.software, "unexpected error: \(type(of: error))")
    }
}
