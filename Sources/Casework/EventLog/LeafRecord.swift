/// The canonical bytes of a sealed record (a log leaf): a version line, then each field on a
/// line of its own, `-` for NULL or `+` with its UTF-8 length, a colon and the value, so that
/// no value can pass for another. `log_leaf_hash` and `ledger_leaf_hash` build the same bytes.
public struct LeafRecord: Sendable {
    public private(set) var bytes: [UInt8]

    public init(version: String, capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: version.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    public mutating func field(_ value: String?) {
        guard let value else {
            bytes.append(contentsOf: "-\n".utf8)
            return
        }
        bytes.append(UInt8(ascii: "+"))
        bytes.append(contentsOf: String(value.utf8.count).utf8)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: value.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }
}
