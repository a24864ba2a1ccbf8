internal import Foundation

/// The parameters of one statement, in order (`$1`, `$2`, ...). Value type; any thread.
public struct PostgresBindings: Sendable, Equatable {
    public private(set) var binds: [PostgresBind]

    public init() { binds = [] }
    public init(_ binds: [PostgresBind]) { self.binds = binds }

    public var count: Int { binds.count }

    /// Whether a parameter is an array: such a statement is not kept prepared, since a
    /// generic plan would guess the array's size (``PreparedStatementCache``).
    var hasArray: Bool { binds.contains { $0.type.isArray } }

    /// Appends a parameter.
    public mutating func append<T: PostgresEncodable>(_ value: T) { binds.append(value.postgresBind) }
    /// Appends a parameter of any encodable type.
    public mutating func append(any value: any PostgresEncodable) { binds.append(value.postgresBind) }
    /// Appends a prepared bind.
    public mutating func append(bind: PostgresBind) { binds.append(bind) }
}

extension PostgresBindings {
    /// Calls `body` with the parameter arrays libpq takes: types, values (C strings or bytes),
    /// lengths and formats. The pointers are valid only inside `body`.
    ///
    /// Every value is copied into one buffer (text with its terminating NUL, bytes as they
    /// are), and the buffer and the four arrays are temporary allocations, on the stack when
    /// they are small: a statement's parameters cost no allocation per value. This runs
    /// before every statement.
    func withLibPQArrays<R>(
        _ body: (
            _ types: UnsafePointer<UInt32>?, _ values: UnsafePointer<UnsafePointer<CChar>?>?,
            _ lengths: UnsafePointer<Int32>?, _ formats: UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        let count = binds.count
        if count == 0 { return try body(nil, nil, nil, nil) }
        var byteCount = 0
        for bind in binds {
            switch bind.value {
            case nil: break
            case .text(let text): byteCount += text.utf8.count + 1
            case .binary(let bytes): byteCount += bytes.count
            }
        }
        return try withUnsafeTemporaryAllocation(byteCount: max(byteCount, 1), alignment: 1) { buffer in
            try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count) { types in
                try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                    // Lengths first, then formats.
                    try withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { numbers in
                        var offset = 0
                        for (index, bind) in binds.enumerated() {
                            types.initializeElement(at: index, to: bind.type.oid)
                            let start = buffer.baseAddress! + offset
                            switch bind.value {
                            case nil:
                                values.initializeElement(at: index, to: nil)
                                numbers.initializeElement(at: index, to: 0)
                                numbers.initializeElement(at: count + index, to: 0)
                            case .text(let text):
                                let length = Self.copy(text.utf8, to: start)
                                (start + length).storeBytes(of: 0, as: UInt8.self)
                                offset += length + 1
                                values.initializeElement(at: index, to: UnsafePointer(start.assumingMemoryBound(to: CChar.self)))
                                numbers.initializeElement(at: index, to: 0)
                                numbers.initializeElement(at: count + index, to: 0)
                            case .binary(let bytes):
                                let length = Self.copy(bytes, to: start)
                                offset += length
                                values.initializeElement(at: index, to: UnsafePointer(start.assumingMemoryBound(to: CChar.self)))
                                numbers.initializeElement(at: index, to: Int32(length))
                                numbers.initializeElement(at: count + index, to: 1)
                            }
                        }
                        let base = UnsafePointer(numbers.baseAddress!)
                        return try body(UnsafePointer(types.baseAddress!), UnsafePointer(values.baseAddress!), base, base + count)
                    }
                }
            }
        }
    }

    /// Copies `bytes` to `destination`; returns how many.
    private static func copy<C: Collection<UInt8>>(_ bytes: C, to destination: UnsafeMutableRawPointer) -> Int {
        if let copied = bytes.withContiguousStorageIfAvailable({ source in
            if let base = source.baseAddress { destination.copyMemory(from: base, byteCount: source.count) }
            return source.count
        }) {
            return copied
        }
        var count = 0
        for byte in bytes {
            (destination + count).storeBytes(of: byte, as: UInt8.self)
            count += 1
        }
        return count
    }
}
