/// The statements one connection has prepared by name, so that a statement sent again is
/// bound and executed without being parsed and planned again. A statement with an array
/// parameter is not kept: after five executions PostgreSQL may switch a prepared statement
/// to a generic plan, which guesses an array's size; the queue's completion (`DELETE … USING
/// unnest($1, $2)`) then scanned the table instead of looking up each id, and the drain fell
/// from 85,000 to 1,200 jobs/s. Sent unnamed, it is planned for its values each time.
/// Bounded: when it is full, the statement used least recently makes room (the connection
/// deallocates it). Pure bookkeeping, owned by one ``PostgresConnection`` on its thread; a new
/// connection starts empty, since prepared statements live in the server session.
struct PreparedStatementCache {
    /// A statement as the server parsed it: its text and the types of its parameters.
    struct Key: Hashable {
        let sql: String
        let types: [UInt32]
    }

    /// The name a statement is prepared under, and the same as the C string libpq takes
    /// (made once when it is prepared, not on every execution).
    struct Name: Equatable {
        let text: String
        let cString: ContiguousArray<CChar>

        init(_ text: String) {
            self.text = text
            self.cString = text.utf8CString
        }
    }

    /// Most statements kept; 0 turns preparing off.
    let capacity: Int
    private var entries: [Key: (name: Name, used: UInt64)] = [:]
    /// The statement found or prepared last: a statement sent again and again (a queue's
    /// insert, a worker's claim) is found by comparing its text (one step when it is the same
    /// string) and its parameters' types, without making a key or hashing the text.
    private var last: (key: Key, name: Name)?
    private var clock: UInt64 = 0
    private var counter = 0
    /// Names the server still holds that no longer belong to a key (replaced after a schema
    /// change made their result type stale): deallocated when the connection can.
    private(set) var stale: [String] = []

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { entries.count }

    /// The key `sql` with `binds` is kept under, or nil when it is sent unnamed: preparing is
    /// off, a parameter is an array (see above), or it is not a statement that plans (SELECT,
    /// INSERT, UPDATE, DELETE, MERGE, WITH, VALUES, TABLE) but a utility statement (SET ROLE,
    /// LISTEN, DDL), whose text often carries a name and which the server does not plan.
    func key(_ sql: String, _ binds: PostgresBindings) -> Key? {
        guard keeps(binds), Self.plans(sql) else { return nil }
        return Key(sql: sql, types: binds.binds.map(\.type.oid))
    }

    /// The words that begin a statement the server plans, each as its bytes in one integer.
    private static let planned: Set<UInt64> = Set(["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "VALUES", "TABLE"].map(packed))

    private static func packed(_ word: String) -> UInt64 { word.utf8.reduce(0) { $0 << 8 | UInt64($1) } }

    /// Whether `sql`'s first word (after blanks and opening parentheses) begins a statement
    /// the server plans. Read as ASCII bytes, upper-cased into one integer: it runs before
    /// every statement.
    static func plans(_ sql: String) -> Bool {
        var word: UInt64 = 0
        var length = 0
        for byte in sql.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "("):
                if length > 0 { return planned.contains(word) }
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                length += 1
                if length > 6 { return false }
                word = word << 8 | UInt64(byte & 0xDF)  // upper case
            default:
                return length > 0 && planned.contains(word)
            }
        }
        return planned.contains(word)
    }

    /// Whether a statement with these parameters may be kept at all: preparing is on and no
    /// parameter is an array.
    func keeps(_ binds: PostgresBindings) -> Bool { capacity > 0 && !binds.hasArray }

    /// The name `key` was prepared under, marking it used; nil when it is not prepared.
    mutating func name(for key: Key) -> Name? {
        guard let index = entries.index(forKey: key) else { return nil }
        clock += 1
        entries.values[index].used = clock
        let name = entries.values[index].name
        last = (key, name)
        return name
    }

    /// The statement `sql` with `binds` is kept as, and its name when it is the one found or
    /// prepared last (otherwise ``name(for:)`` finds it, or it is prepared); nil when it is sent
    /// unnamed (``key(_:_:)``). The last one is recognised without making a key or hashing
    /// the text, and finding it again does not mark it used: it was marked when it became the
    /// last, so it stays the most recent until another statement is found or prepared, and the
    /// order in which statements make room is that of their use all the same.
    func statement(_ sql: String, _ binds: PostgresBindings) -> (key: Key, name: Name?)? {
        if let last, last.key.sql == sql, last.key.types.count == binds.count,
           zip(last.key.types, binds.binds).allSatisfy({ $0 == $1.type.oid }) {
            return (last.key, last.name)
        }
        return key(sql, binds).map { ($0, nil) }
    }

    /// A name never used on this connection, for a statement about to be prepared.
    mutating func newName() -> Name {
        counter += 1
        return Name("civicq_\(counter)")
    }

    /// Records that `key` is prepared as `name`. Returns the name of the statement that made
    /// room, which the connection deallocates.
    mutating func insert(_ key: Key, name: Name) -> String? {
        clock += 1
        var evicted: String?
        if entries[key] == nil, entries.count >= capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
            entries[oldest.key] = nil
            evicted = oldest.value.name.text
        }
        if let previous = entries[key]?.name, previous != name { stale.append(previous.text) }
        entries[key] = (name, clock)
        last = (key, name)
        return evicted
    }

    /// Forgets `key`; its server-side statement is deallocated later (``stale``).
    mutating func invalidate(_ key: Key) {
        if let entry = entries.removeValue(forKey: key) { stale.append(entry.name.text) }
        if last?.key == key { last = nil }
    }

    /// Forgets every statement: the server no longer holds them (`DEALLOCATE ALL`, `DISCARD ALL`).
    mutating func removeAll() {
        entries.removeAll()
        stale.removeAll()
        last = nil
    }

    /// The stale names, handed over for deallocation.
    mutating func takeStale() -> [String] {
        defer { stale.removeAll() }
        return stale
    }
}
