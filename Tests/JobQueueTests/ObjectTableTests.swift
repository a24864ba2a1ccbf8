import Foundation
import Synchronization
import Testing

@testable import JobQueue

@Suite("Lock-free tables: one object per name, one wake-up per window")
struct ObjectTableTests {
    /// A count shared by threads.
    final class Tally: Sendable {
        let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
        func add() { count.add(1, ordering: .relaxed) }
    }

    /// An object made for a name.
    final class Made: Sendable {
        let name: String
        init(_ name: String) { self.name = name }
    }

    @Test("threads looking up the same names at once all get one object per name, kept once")
    func oneObjectPerName() async {
        let table = ObjectTable()
        let names = (0..<40).map { "kind.\($0 % 20)\($0 < 20 ? "" : "-a-name-longer-than-fifteen-bytes")" }
        // Eight threads, each looking every name up 200 times, in a different order.
        let seen = await withTaskGroup(of: [String: ObjectIdentifier].self) { group in
            for thread in 0..<8 {
                group.addTask {
                    var seen: [String: ObjectIdentifier] = [:]
                    for round in 0..<200 {
                        for index in names.indices {
                            let name = names[(index * 7 + thread + round) % names.count]
                            let object = table.with(name, make: { Made(name) }) { (object: Made) in
                                #expect(object.name == name)
                                return ObjectIdentifier(object)
                            }
                            if let earlier = seen[name] { #expect(earlier == object) }
                            seen[name] = object
                        }
                    }
                    return seen
                }
            }
            return await group.reduce(into: [[String: ObjectIdentifier]]()) { $0.append($1) }
        }
        #expect(seen.count == 8)
        for name in names { #expect(Set(seen.map { $0[name] }).count == 1, "\(name) was found as two objects") }
        #expect(table.names.count == names.count)
        #expect(Set(table.names) == Set(names))
    }

    @Test("of many connections asking at once, one sends a queue's wake-up in a window; another queue has its own")
    func debouncerOnePerWindow() async throws {
        let debouncer = NotifyDebouncer(window: .seconds(30))
        let sent = Tally()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<1_000 where debouncer.shouldNotify("default") { sent.add() } }
            }
        }
        #expect(sent.value == 1)
        #expect(debouncer.shouldNotify("routing"))
        #expect(!debouncer.shouldNotify("routing"))

        let short = NotifyDebouncer(window: .milliseconds(20))
        #expect(short.shouldNotify("default"))
        #expect(!short.shouldNotify("default"))
        try await Task.sleep(for: .milliseconds(40))
        #expect(short.shouldNotify("default"))
        #expect(!short.shouldNotify("default"))
    }
}
