import Casework
import Foundation
import Testing

/// Times and days as people type and read them, and the language they read: pure rules.
@Suite("people's times, dates and language")
struct PeopleTextTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    static func utc(_ text: String) -> Date { ISODate.parse(text)! }

    @Test("a typed day is the end of that day in the installation's zone, in every spelling")
    func days() {
        let end = Self.utc("2026-12-08T16:00:00Z")
        for typed in ["2026-12-08", "2026/12/8", "2026年12月8日", " 2026-12-08 "] {
            #expect(LocalTime.deadline(typed, in: Self.shanghai) == end, "\(typed)")
        }
        #expect(LocalTime.deadline("2026-12-08", in: Self.newYork) == Self.utc("2026-12-09T05:00:00Z"))
        #expect(LocalTime.deadline("2026-02-30", in: Self.shanghai) == nil)
        #expect(LocalTime.deadline("tomorrow", in: Self.shanghai) == nil)
    }

    @Test("a time without an offset is the wall-clock time in the zone; with one, itself")
    func times() {
        #expect(LocalTime.instant("2026-12-08 18:00", in: Self.shanghai) == Self.utc("2026-12-08T10:00:00Z"))
        #expect(LocalTime.instant("2026-12-08T18:00:30", in: Self.shanghai) == Self.utc("2026-12-08T10:00:30Z"))
        #expect(LocalTime.instant("2026-12-08T18:00:00+08:00", in: Self.newYork) == Self.utc("2026-12-08T10:00:00Z"))
        #expect(LocalTime.lacksOffset("2026-12-08 18:00") && !LocalTime.lacksOffset("2026-12-08T18:00:00Z"))
        #expect(LocalTime.instant("2026-12-08 25:00", in: Self.shanghai) == nil)
        // Across New York's change to summer time (2026-03-08 02:00 → 03:00): 12:00 is EDT.
        #expect(LocalTime.instant("2026-03-08 12:00", in: Self.newYork) == Self.utc("2026-03-08T16:00:00Z"))
        #expect(LocalTime.instant("2026-03-07 12:00", in: Self.newYork) == Self.utc("2026-03-07T17:00:00Z"))
    }

    @Test("times are shown in the zone with its offset; a day's end as 24:00")
    func shown() {
        let at = Self.utc("2026-12-08T16:00:00Z")
        #expect(Presentation.local(at, in: Self.shanghai) == "2026-12-09 00:00 +08:00")
        #expect(Presentation.deadline(at, in: Self.shanghai) == "2026-12-08 24:00 +08:00")
        #expect(Presentation.deadline(Self.utc("2026-12-08T10:30:00Z"), in: Self.shanghai) == "2026-12-08 18:30 +08:00")
        #expect(Presentation.local(at, in: Self.newYork) == "2026-12-08 11:00 -05:00")
        #expect(Presentation.grouped(2064) == "2,064" && Presentation.grouped(999) == "999" && Presentation.grouped(1_000_000) == "1,000,000")
        let now = Self.utc("2026-12-08T00:00:00Z")
        #expect(Presentation.relative(due: now.addingTimeInterval(3 * 3600), now: now) == "due in 3 h")
        #expect(Presentation.relative(due: now.addingTimeInterval(3 * 3600), now: now, language: .zhCN) == "3 小时后到期")
        #expect(Presentation.relative(due: now.addingTimeInterval(-3 * 86_400), now: now, language: .zhCN) == "已超期 3 天")
    }

    @Test("the language from a tag or the locale variables, in POSIX order")
    func language() {
        #expect(Language(tag: "zh_CN.UTF-8") == .zhCN && Language(tag: "zh-Hans") == .zhCN && Language(tag: "en_US.UTF-8") == .en)
        #expect(Language(tag: "C.UTF-8") == nil && Language(tag: "POSIX") == nil && Language(tag: "fr_FR") == nil)
        #expect(Language.fromEnvironment(["LANG": "zh_CN.UTF-8"]) == .zhCN)
        #expect(Language.fromEnvironment(["LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"]) == .en)
        #expect(Language.fromEnvironment(["LC_ALL": "", "LANG": "C.UTF-8"]) == nil)
        #expect(Language.fromEnvironment([:]) == nil)
    }
}
