/// The citizen's answer to "are you satisfied?" at the callback.
///
/// The database's side is the check on `callbacks.rating` (migration 003) and the rule in
/// `callback_outcome` (migration 006): solved and satisfied or basically satisfied closes the
/// case, anything else reopens it. The database applies that rule; Swift only names the
/// answers (`ContractTests` checks both lists agree).
public enum CallbackRating: String, Sendable, CaseIterable, Codable {
    case satisfied
    /// 基本满意.
    case basic
    case dissatisfied
}
