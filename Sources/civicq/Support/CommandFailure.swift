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
            FileHandle.standardError.write(Data("civicq: \(sentence)\n".utf8))
            throw ExitCode(code.rawValue)
        }
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
