import Casework
import Foundation
import Testing

@Suite("Event log: Merkle tree, signed checkpoints, verification")
struct EventLogTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// RFC 6962's test leaves (as in Certificate Transparency's reference tests) and the
    /// tree hashes of their first 1 to 8.
    @Test("tree hashes match RFC 6962's reference values")
    func referenceHashes() {
        let leaves: [[UInt8]] = [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
        ]
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ]
        #expect(Self.hex(MerkleHash.empty) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var frontier = MerkleFrontier()
        for (leaf, root) in zip(leaves, roots) {
            frontier.append(MerkleHash.leaf(leaf))
            #expect(Self.hex(frontier.root) == root, "size \(frontier.size)")
        }
    }

    @Test("the incremental right edge gives the recursive tree hash at every size up to 300")
    func frontierMatchesRecursion() {
        var frontier = MerkleFrontier()
        var leaves: [[UInt8]] = []
        #expect(frontier.root == MerkleHash.root(of: leaves[...]))
        for n in 0..<300 {
            let leaf = MerkleHash.leaf(Array("leaf \(n)".utf8))
            leaves.append(leaf)
            frontier.append(leaf)
            #expect(frontier.root == MerkleHash.root(of: leaves[...]), "size \(n + 1)")
            #expect(frontier.hashes.count == (n + 1).nonzeroBitCount)
        }
        #expect(MerkleFrontier(size: frontier.size, hashes: frontier.hashes) == frontier)
        #expect(MerkleFrontier(size: frontier.size + 1, hashes: frontier.hashes) == nil)
    }

    /// Go's `golang.org/x/mod/sumdb/note` documents this key pair and signed message.
    @Test("notes and keys interoperate with Go's signed-note example")
    func goNoteExample() throws {
        let signing = try LogSigningKey(parsing: "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
        let verifier = try LogVerifierKey(parsing: "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        #expect(signing.verifierKey == verifier)
        #expect(verifier.description == "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
        let note = text + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        #expect(verifier.verifiedText(of: note) == text)
        // Ed25519 is deterministic: our signature is Go's, byte for byte.
        #expect(try signing.sign(text) == note)
        #expect(verifier.verifiedText(of: note.replacingOccurrences(of: "cryptography", with: "cryptographY")) == nil)
    }

    @Test("a checkpoint signs its size, root, time and closed periods; another key or a changed line fails")
    func checkpoints() throws {
        let key = try LogSigningKey(name: "12345.example/civicq")
        let other = try LogSigningKey(name: "12345.example/civicq")
        let checkpoint = LogCheckpoint(origin: key.name, size: 42, root: MerkleHash.leaf([1]),
                                       time: Date(timeIntervalSince1970: 1_800_000_000), periods: ["2026-11-3", "2026-11"])
        let note = try checkpoint.signed(by: key)
        #expect(note.hasPrefix("12345.example/civicq\n42\n"))
        #expect(note.contains("time 2027-01-15T08:00:00Z\nperiod 2026-11-3\nperiod 2026-11\n\n\u{2014} 12345.example/civicq "))
        #expect(try LogCheckpoint(verifying: note, with: key.verifierKey) == checkpoint)
        #expect(throws: LogError.self) { try LogCheckpoint(verifying: note, with: other.verifierKey) }
        #expect(throws: LogError.self) { try LogCheckpoint(verifying: note.replacingOccurrences(of: "\n42\n", with: "\n43\n"), with: key.verifierKey) }
        let reread = try LogSigningKey(parsing: key.fileText)
        #expect(reread.verifierKey == key.verifierKey)
        #expect(try LogVerifierKey(parsing: key.verifierKey.description) == key.verifierKey)
        #expect(throws: LogError.self) { try LogSigningKey(name: "two words") }
        #expect(throws: LogError.self) { try LogVerifierKey(parsing: "name+00000000+AAAA") }
    }

    @Test("periods close at 旬, month and quarter boundaries")
    func periods() {
        func day(_ text: String) -> CalendarDay { CalendarDay(text)! }
        #expect(LogPeriods.closed(from: day("2026-11-05"), to: day("2026-11-10")) == [])
        #expect(LogPeriods.closed(from: day("2026-11-10"), to: day("2026-11-11")) == ["2026-11-1"])
        #expect(LogPeriods.closed(from: day("2026-11-30"), to: day("2026-12-01")) == ["2026-11-3", "2026-11"])
        #expect(LogPeriods.closed(from: day("2026-12-31"), to: day("2027-01-01")) == ["2026-12-3", "2026-12", "2026-Q4"])
        #expect(LogPeriods.closed(from: day("2026-12-01"), to: day("2026-11-30")) == [])
    }

    static func event(_ id: Int64) -> LogEvent {
        LogEvent(id: id, caseID: id / 3 + 1, at: "2026-11-05T01:02:03.000000Z", actor: "router", kind: "dispatched",
                 fromState: "received", toState: "dispatched", department: "water", reason: "rule \(id)", isPublic: true,
                 details: "{\"assists\": []}", area: "420102001", category: "020103", receivedAt: "2026-11-05T01:00:00.000000Z")
    }

    /// A log of `count` events with a checkpoint every `every` events.
    static func log(_ count: Int, every: Int, key: LogSigningKey) throws -> (events: [LogEvent], notes: [String]) {
        var frontier = MerkleFrontier()
        var notes: [String] = []
        let events = (1...Int64(count)).map(event)
        for event in events {
            frontier.append(event.leafHash)
            if frontier.size % Int64(every) == 0 || frontier.size == Int64(count) {
                notes.append(try LogCheckpoint(origin: key.name, size: frontier.size, root: frontier.root, time: Date()).signed(by: key))
            }
        }
        return (events, notes)
    }

    @Test("the verifier proves an untouched log and names the event of each kind of change")
    func verifier() throws {
        let key = try LogSigningKey(name: "test-log")
        let (events, notes) = try Self.log(100, every: 10, key: key)
        func run(_ events: [LogEvent?], recorded: [[UInt8]?]? = nil, notes: [String] = notes) -> LogVerification {
            var verifier = LogVerifier(key: key.verifierKey, notes: notes)
            for (position, event) in events.enumerated() {
                let original = Self.event(Int64(position + 1))
                verifier.add(position: Int64(position), eventID: event?.id ?? original.id, event: event,
                             recordedHash: recorded.map { $0[position] } ?? original.leafHash)
            }
            return verifier.finish()
        }
        let clean = run(events)
        #expect(clean.proven && clean.events == 100 && clean.checkpointsProven == 10)
        var changed = events
        changed[42].reason = "rewritten"
        #expect(run(changed).failure?.eventID == 43)
        var missing: [LogEvent?] = events
        missing[7] = nil
        #expect(run(missing).failure?.eventID == 8)
        // Re-hashed without the key: the leaves agree, the checkpoint does not.
        let rehashed = run(changed, recorded: changed.map(\.leafHash))
        #expect(rehashed.failure?.position == 40 && rehashed.failure?.eventID == 41)
        #expect(rehashed.checkpointsProven == 4)
        let cut = run(Array(events.prefix(95)))
        #expect(cut.failure?.position == 95)
        var forged = notes
        forged[3] = try LogCheckpoint(origin: key.name, size: 40, root: MerkleHash.leaf([9]), time: Date())
            .signed(by: try LogSigningKey(name: "test-log"))
        #expect(run(events, notes: forged).failure?.reason.contains("not signed") == true)
    }
}
