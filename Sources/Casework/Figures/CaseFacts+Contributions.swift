extension CaseFacts {
    /// What these facts add to the rollups: counts per unit and day. The rollup adds the
    /// contributions of a case's new facts and subtracts those of its old ones.
    public var contributions: [FigureKey: FigureCounts] {
        var result: [FigureKey: FigureCounts] = [:]
        let area = FigureUnit(.area, self.area)
        let category = FigureUnit(.category, self.category)
        let caseUnits = [area, category]

        func add(_ units: [FigureUnit], _ day: CalendarDay, _ change: (inout FigureCounts) -> Void) {
            for unit in units { change(&result[FigureKey(unit, day), default: FigureCounts()]) }
        }
        func leadUnits(_ department: String?) -> [FigureUnit] {
            department.map { caseUnits + [.lead($0)] } ?? caseUnits
        }

        add(caseUnits, received) { $0[.intake] += 1 }
        if let firstDispatch { add(caseUnits, firstDispatch) { $0[.dispatched] += 1 } }
        for mark in leads {
            if let department = mark.department { add([.lead(department)], mark.day) { $0[.dispatched] += 1 } }
        }
        for mark in returns {
            if let department = mark.department { add([.lead(department)], mark.day) { $0[.returned] += 1 } }
        }
        if let response { add(leadUnits(response.department), response.day) { $0.count(response: response) } }
        if let resolution { add(leadUnits(resolution.department), resolution.day) { $0.count(resolution: resolution) } }
        for callback in callbacks {
            add(leadUnits(callback.department), callback.day) { counts in
                guard let solved = callback.solved else {
                    counts[.unanswered] += 1
                    return
                }
                counts[.callbacksAnswered] += 1
                if solved { counts[.solved] += 1 }
                switch callback.rating {
                case "satisfied": counts[.satisfied] += 1
                case "basic": counts[.basic] += 1
                default: counts[.dissatisfied] += 1
                }
            }
        }
        for mark in reopens { add(leadUnits(mark.department), mark.day) { $0[.reopened] += 1 } }
        for assist in assists {
            let unit = FigureUnit.assist(assist.department)
            add([unit], assist.assigned) { $0[.dispatched] += 1 }
            if let returned = assist.returned { add([unit], returned) { $0[.returned] += 1 } }
            if let response = assist.response { add([unit], response.day) { $0.count(response: response) } }
            if let resolution = assist.resolution { add([unit], resolution.day) { $0.count(resolution: resolution) } }
        }
        return result
    }
}

extension FigureCounts {
    mutating func count(response: CaseFacts.Measure) {
        switch response.outcome {
        case .onTime: self[.responseOnTime] += 1
        case .late: self[.responseLate] += 1
        case .overdue: self[.responseOverdue] += 1
        }
        if let seconds = response.seconds { respond.add(seconds: seconds) }
    }

    mutating func count(resolution: CaseFacts.Measure) {
        switch resolution.outcome {
        case .onTime: self[.resolvedOnTime] += 1
        case .late: self[.resolvedLate] += 1
        case .overdue: self[.resolutionOverdue] += 1
        }
        if let seconds = resolution.seconds { resolve.add(seconds: seconds) }
    }
}
