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
        self = try Self.reading(units: units, bits: bits) { offset, count in
            Array(bytes[min(offset, bytes.count)..<min(bytes.count, offset + count)])
        }
        guard memoryBytes == bytes.count else {
            throw CaseworkError(.badInput, "a stored dispatch model has \(bytes.count) bytes of weights, not \(memoryBytes)")
        }
    }

    /// Little-endian float32 values, four bytes each (a trailing partial value is ignored).
    static func floats<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [Float] {
        var values = [Float]()
        values.reserveCapacity(bytes.count / 4)
        var word: UInt32 = 0, shift: UInt32 = 0
        for byte in bytes {
            word |= UInt32(byte) << shift
            shift += 8
            if shift == 32 {
                values.append(Float(bitPattern: word))
                (word, shift) = (0, 0)
            }
        }
        return values
    }

    /// The model of `units` and `2^bits` buckets from its log priors and its weights as stored,
    /// given a slice of the stored bytes at a time (``storedBytes``: the priors first), so that
    /// the bytes are never all held at once; ``CaseworkError/Code/badInput`` when they do not
    /// add up to the model.
    static func reading(units: [String], bits: Int, slices: (_ offset: Int, _ count: Int) throws -> [UInt8]) throws -> DispatchModel {
        guard (10...24).contains(bits), units.count >= 2 else {
            throw CaseworkError(.badInput, "a stored dispatch model has \(units.count) units and \(bits) bucket bits")
        }
        let features = DispatchFeatures(bits: bits)
        let priors = floats(try slices(0, units.count * 4))
        let count = features.buckets * units.count
        var weights = [Float]()
        weights.reserveCapacity(count)
        while weights.count < count {
            let slice = try slices(4 * (units.count + weights.count), min(1 << 20, 4 * (count - weights.count)))
            guard !slice.isEmpty, slice.count % 4 == 0 else { break }
            weights.append(contentsOf: floats(slice))
        }
        guard priors.count == units.count, weights.count == count else {
            throw CaseworkError(.badInput, "a stored dispatch model has \(4 * (priors.count + weights.count)) bytes of weights, not \(4 * (units.count + count))")
        }
        return DispatchModel(units: units, features: features, logPrior: priors, weights: weights)
    }
}
