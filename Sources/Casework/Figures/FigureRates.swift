/// Every rate of the figures, computed from counts in this one place. `docs/figures.md`
/// writes the same formulas out; the unit tests check each on hand-made event sequences.
public struct FigureRates: Sendable, Equatable {
    /// 响应率: accepted within the response deadline / responses due (accepted on time, accepted
    /// late, or not accepted and past the deadline).
    public let response: FigureRate
    /// 办结率: resolved / resolutions due (resolved on time or late, or open past the deadline).
    public let closure: FigureRate
    /// 按时办结率: resolved on time / (resolved + open overdue). An overdue open case counts
    /// against it, so a period is not 100% because its late cases are still open.
    public let onTime: FigureRate
    /// 解决率: callbacks that say solved / callbacks answered.
    public let resolution: FigureRate
    /// 满意率: (satisfied + weight × basically satisfied) / callbacks answered.
    public let satisfaction: FigureRate
    /// 退单率: returns / assignments.
    public let returns: FigureRate
    /// 重办率: reopened after the callback / callbacks answered.
    public let reopen: FigureRate

    public init(_ counts: FigureCounts, basicWeight: Double) {
        let responsesDue = counts[.responseOnTime] + counts[.responseLate] + counts[.responseOverdue]
        let resolved = counts[.resolvedOnTime] + counts[.resolvedLate]
        let resolutionsDue = resolved + counts[.resolutionOverdue]
        let answered = counts[.callbacksAnswered]
        response = FigureRate(Double(counts[.responseOnTime]), of: responsesDue)
        closure = FigureRate(Double(resolved), of: resolutionsDue)
        onTime = FigureRate(Double(counts[.resolvedOnTime]), of: resolutionsDue)
        resolution = FigureRate(Double(counts[.solved]), of: answered)
        satisfaction = FigureRate(Double(counts[.satisfied]) + basicWeight * Double(counts[.basic]), of: answered)
        returns = FigureRate(Double(counts[.returned]), of: counts[.dispatched])
        reopen = FigureRate(Double(counts[.reopened]), of: answered)
    }
}
