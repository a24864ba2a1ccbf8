#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an import file's bytes are: UTF-8, or the GBK/GB18030 that Chinese office software
/// often writes. Conversion uses the C library's iconv.
public enum TextEncoding {
    /// Whether `bytes` are valid UTF-8.
    public static func isUTF8(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// `bytes` converted from GB18030 (a superset of GBK and GB2312) to UTF-8, or nil when
    /// they are not valid GB18030.
    public static func utf8(fromGB18030 bytes: [UInt8]) -> [UInt8]? {
        convert(bytes, from: "GB18030", to: "UTF-8")
    }

    /// UTF-8 `bytes` as GB18030 (what older office software writes), or nil when they are
    /// not valid UTF-8.
    public static func gb18030(fromUTF8 bytes: [UInt8]) -> [UInt8]? {
        convert(bytes, from: "UTF-8", to: "GB18030")
    }

    private static func convert(_ bytes: [UInt8], from source: String, to target: String) -> [UInt8]? {
        let converter = iconv_open(target, source)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                return result == -1 || inLeft != 0 ? nil : outBuffer.count - outLeft
            }
        }
        guard let written else { return nil }
        return output.prefix(written).map { UInt8(bitPattern: $0) }
    }
}
