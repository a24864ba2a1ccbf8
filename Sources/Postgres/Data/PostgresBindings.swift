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
    func withLibPQArrays<R>(
        _ body: (
            _ types: UnsafePointer<UInt32>?, _ values: UnsafePointer<UnsafePointer<CChar>?>?,
            _ lengths: UnsafePointer<Int32>?, _ formats: UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        if binds.isEmpty { return try body(nil, nil, nil, nil) }
        var types = [UInt32]()
        var lengths = [Int32]()
        var formats = [Int32]()
        var buffers = [UnsafeMutablePointer<CChar>?]()
        types.reserveCapacity(binds.count)
        lengths.reserveCapacity(binds.count)
        formats.reserveCapacity(binds.count)
        buffers.reserveCapacity(binds.count)
        defer { for buffer in buffers { free(buffer) } }
        for bind in binds {
            types.append(bind.type.oid)
            switch bind.value {
            case nil:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let text):
                buffers.append(strdup(text))
                lengths.append(0)
                formats.append(0)
            case .binary(let bytes):
                let buffer = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: CChar.self)
                bytes.withUnsafeBytes { raw in
                    if let base = raw.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: bytes.count) }
                }
                buffers.append(buffer)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        let values = buffers.map { UnsafePointer($0) }
        return try types.withUnsafeBufferPointer { typePointer in
            try values.withUnsafeBufferPointer { valuePointer in
                try lengths.withUnsafeBufferPointer { lengthPointer in
                    try formats.withUnsafeBufferPointer { formatPointer in
                        try body(typePointer.baseAddress, valuePointer.baseAddress, lengthPointer.baseAddress, formatPointer.baseAddress)
                    }
                }
            }
        }
    }
}
