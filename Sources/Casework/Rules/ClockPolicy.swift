public import Foundation

/// How long a department has: natural hours or days (7×24), or working days on the calendar.
public struct ClockAllowance: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable, Codable {
        case hours
        case days
        case workingDays = "working_days"
    }

    public let amount: Int
    public let unit: Unit

    public init(amount: Int, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// When the allowance runs out for a clock started at `start`.
    public func deadline(from start: Date, calendar: WorkCalendar) -> Date {
        switch unit {
        case .hours: start.addingTimeInterval(Double(amount) * 3600)
        case .days: start.addingTimeInterval(Double(amount) * 86_400)
        case .workingDays: calendar.end(ofWorkingDays: amount, after: start)
        }
    }

    public var description: String {
        switch unit {
        case .hours: "\(amount) h"
        case .days: "\(amount) day\(amount == 1 ? "" : "s")"
        case .workingDays: "\(amount) working day\(amount == 1 ? "" : "s")"
        }
    }
}

/// The two clocks a department is held to: respond (accept and contact the citizen) and resolve.
public struct ClockPolicy: Sendable, Hashable, Codable {
    public let name: String
    public let response: ClockAllowance
    public let resolution: ClockAllowance

    public init(name: String, response: ClockAllowance, resolution: ClockAllowance) {
        self.name = name
        self.response = response
        self.resolution = resolution
    }

    /// Both deadlines for a case received at `start` (the citizen's clock runs from intake).
    public func deadlines(from start: Date, calendar: WorkCalendar) -> (response: Date, resolution: Date) {
        (response.deadline(from: start, calendar: calendar), resolution.deadline(from: start, calendar: calendar))
    }

    /// Common hotline practice; every installation may change them (`civicq categories import`).
    public static let defaults: [ClockPolicy] = [
        ClockPolicy(name: "urgent", response: .init(amount: 2, unit: .hours), resolution: .init(amount: 24, unit: .hours)),
        ClockPolicy(name: "utilities", response: .init(amount: 24, unit: .hours), resolution: .init(amount: 3, unit: .workingDays)),
        ClockPolicy(name: "ordinary", response: .init(amount: 1, unit: .workingDays), resolution: .init(amount: 7, unit: .days)),
        ClockPolicy(name: "complex", response: .init(amount: 1, unit: .workingDays), resolution: .init(amount: 15, unit: .days)),
    ]
}
