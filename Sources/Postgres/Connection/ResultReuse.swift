/// What a connection's next result may share with its last one, so that a statement sent
/// again and again (a queue's insert, a worker's claim) makes nothing it made before:
/// ``PostgresConnection/rows(from:sharing:)``.
///
/// Owned by one ``PostgresConnection`` on its thread.
struct ResultReuse {
    /// The last result's columns: the next one's when it has the same names and types.
    var columns: [PostgresRows.Column] = []
    /// The last result's command tag (`INSERT 0 1`): the next one's when it has the same bytes.
    var tag = ""
    /// The buffer the last small result was copied into. The next small result is copied
    /// over it when no result holds it any longer (the array is then unique, and no memory
    /// is allocated); when one still does, copy-on-write gives the next result a buffer of
    /// its own and leaves the held one as it was.
    var spare: [UInt8] = []

    /// The largest result (spans and bytes) copied into ``spare``; larger ones get a buffer
    /// made at their size. Small, because a result that its caller keeps holds the whole
    /// buffer.
    static let spareBytes = 256
}
