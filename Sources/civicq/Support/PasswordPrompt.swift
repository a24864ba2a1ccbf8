import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a new password for a login: on a terminal, asked twice without echo; otherwise the
/// first line of standard input (`printf '%s\n' "$PW" | civicq users password ann`). The
/// password is never an argument, which `ps` and shell histories would show.
enum PasswordPrompt {
    static func newPassword(for login: String) throws -> String {
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            password = ask("New password for \(login): ")
            guard ask("The same again: ") == password else { throw CommandFailure.Refusal("the two passwords differ; nothing was changed") }
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        guard !password.isEmpty else { throw CommandFailure.Refusal("no password was given; nothing was changed") }
        return password
    }

    /// One line from the terminal with echo off, restored afterwards.
    private static func ask(_ prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let canHide = tcgetattr(STDIN_FILENO, &saved) == 0
        if canHide {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if canHide { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
