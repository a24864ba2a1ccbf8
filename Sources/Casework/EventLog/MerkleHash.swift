import Crypto
import Foundation

/// RFC 6962 (Certificate Transparency) hashing: a leaf is SHA-256(0x00 ‖ data), an inner
/// node SHA-256(0x01 ‖ left ‖ right), the tree over n leaves splits at the largest power of
/// two below n. The same hashes as C2SP's tlog and Go's `golang.org/x/mod/sumdb/tlog`.
public enum MerkleHash {
    public static func leaf(_ data: [UInt8]) -> [UInt8] {
        var input = [UInt8](repeating: 0, count: data.count + 1)
        input.withUnsafeMutableBufferPointer { buffer in
            _ = UnsafeMutableBufferPointer(rebasing: buffer[1...]).initialize(from: data)
        }
        return digest(input)
    }

    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var input = [UInt8](repeating: 1, count: 1 + left.count + right.count)
        input.withUnsafeMutableBufferPointer { buffer in
            _ = UnsafeMutableBufferPointer(rebasing: buffer[1..<(1 + left.count)]).initialize(from: left)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[(1 + left.count)...]).initialize(from: right)
        }
        return digest(input)
    }

    /// One-shot SHA-256 into a 32-byte array (one call into the library per hash).
    private static func digest(_ input: [UInt8]) -> [UInt8] {
        SHA256.hash(data: input).withUnsafeBytes { Array($0) }
    }

    /// The hash of the empty tree: SHA-256 of nothing.
    public static let empty: [UInt8] = Array(SHA256.hash(data: [UInt8]()))

    /// The tree hash of `leaves` (leaf hashes), by the recursive definition: the reference
    /// the incremental ``MerkleFrontier`` is tested against.
    public static func root(of leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leaves.count {
        case 0: return empty
        case 1: return leaves[leaves.startIndex]
        default:
            var split = 1
            while split * 2 < leaves.count { split *= 2 }
            let middle = leaves.startIndex + split
            return node(root(of: leaves[..<middle]), root(of: leaves[middle...]))
        }
    }
}

/// The right edge of a Merkle tree: the hashes of its perfect subtrees, largest first, one
/// per 1-bit of the size. Enough to append leaves and compute the root without the leaves.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: Int64
    public private(set) var hashes: [[UInt8]]

    public init() {
        size = 0
        hashes = []
    }

    /// A stored frontier; `nil` when the hashes do not fit the size (one per 1-bit).
    public init?(size: Int64, hashes: [[UInt8]]) {
        guard size >= 0, size.nonzeroBitCount == hashes.count, hashes.allSatisfy({ $0.count == 32 }) else { return nil }
        self.size = size
        self.hashes = hashes
    }

    public mutating func append(_ leafHash: [UInt8]) {
        var hash = leafHash
        var bits = size
        while bits & 1 == 1 {
            hash = MerkleHash.node(hashes.removeLast(), hash)
            bits >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    public var root: [UInt8] {
        guard var root = hashes.last else { return MerkleHash.empty }
        for hash in hashes.dropLast().reversed() {
            root = MerkleHash.node(hash, root)
        }
        return root
    }
}
