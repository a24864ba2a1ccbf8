/// What a result may share with the one before it, so that a statement sent again and again (a
/// queue's insert, a worker's claim) makes nothing it made before:
/// ``PostgresConnection/rows(from:sharing:)``. A connection keeps one for its statements, a
/// pipeline one for its results.
struct ResultReuse {
    /// The last result's columns: the next one's when it has the same names and types.
    var columns: [PostgresRows.Column] = []
    /// The last result's command tag (`INSERT 0 1`): the next one's when it has the same bytes.
    var tag = ""
    /// The buffer the last small result was copied into, or nil when every result gets a buffer
    /// at its own size (a pipeline keeps all its results, so none would be free to reuse).
    var spare: [UInt8]?

    /// The largest result (spans and cells) copied into ``spare``; larger ones get a buffer made
    /// at their size. Small, because a result that its caller keeps holds the whole buffer.
    static let spareBytes = 256

    /// A buffer of `count` bytes that `fill` writes, made over ``spare`` when there is one and
    /// `count` fits; nil otherwise. In place, with no allocation, when no result holds the
    /// spare any longer (the array is then unique); when one still does, copy-on-write gives
    /// this result a buffer of its own and leaves the held one as it was. (Making an array
    /// looks its storage class up in the Swift runtime's metadata cache every time: with the
    /// allocation, 6.5 % of the client's user time at eight connections enqueueing.)
    mutating func small(_ count: Int, _ fill: (UnsafeMutableRawPointer) -> Void) -> [UInt8]? {
        guard count <= Self.spareBytes, var buffer = spare.take() else { return nil }
        buffer.removeAll(keepingCapacity: true)
        buffer.reserveCapacity(Self.spareBytes)
        buffer.append(contentsOf: repeatElement(0, count: count))
        buffer.withUnsafeMutableBytes { fill($0.baseAddress!) }
        spare = buffer
        return buffer
    }
}
