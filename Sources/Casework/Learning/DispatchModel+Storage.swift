extension DispatchModel {
    /// The weights as stored (`dispatch_models.weights`, migration 031): little-endian float32,
    /// each unit's log prior, then the log likelihoods bucket by bucket.
    public var storedBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity((logPrior.count + weights.count) * 4)
        for values in [logPrior, weights] {
            for value in values {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }

    /// The model stored as `bytes` (``storedBytes``) for `units` and `2^bits` buckets; a
    /// length that does not fit them is ``CaseworkError/Code/badInput``.
    public init(units: [String], bits: Int, storedBytes bytes: [UInt8]) throws {
        guard (10...24).contains(bits), units.count >= 2 else {
            throw CaseworkError(.badInput, "a stored dispatch model has \(units.count) units and \(bits) bucket bits")
        }
        let features = DispatchFeatures(bits: bits)
        let count = units.count * (1 + features.buckets)
        guard bytes.count == count * 4 else {
            throw CaseworkError(.badInput, "a stored dispatch model has \(bytes.count) bytes of weights, not \(count * 4)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                values[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
        self.init(units: units, features: features, logPrior: Array(values[..<units.count]), weights: Array(values[units.count...]))
    }
}
