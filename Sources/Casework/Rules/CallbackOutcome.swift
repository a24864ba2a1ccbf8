/// What a citizen's answer to the callback does to the case.
///
/// The database applies the same rule (`callback_outcome`, migration 006); a test checks both
/// on every combination.
public enum CallbackOutcome: String, Sendable, Equatable {
    case close
    case reopen

    public enum Rating: String, Sendable, CaseIterable, Codable {
        case satisfied
        /// 基本满意.
        case basic
        case dissatisfied
    }

    /// Solved and satisfied or basically satisfied closes the case; anything else reopens it
    /// to the same department (a redo), unless the office rules otherwise.
    public static func decide(solved: Bool, rating: Rating) -> CallbackOutcome {
        solved && rating != .dissatisfied ? .close : .reopen
    }
}
