/// Builds JSON text straight into a reusable byte buffer: no per-event Foundation
/// objects on the hot path. Strings from the kernel are arbitrary bytes; valid
/// UTF-8 passes through, control characters are escaped, and each byte of an
/// invalid sequence becomes U+FFFD, so every line is valid JSON.
public struct JSONBuffer: Sendable {
    public var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Ends one NDJSON line.
    public mutating func endLine() {
        bytes.append(UInt8(ascii: "\n"))
        needsComma = false
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    // MARK: keys with values

    public mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    public mutating func field(_ name: StaticString, _ value: some BinaryInteger) {
        key(name)
        appendInteger(value)
        needsComma = true
    }

    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        value ? appendRaw("true") : appendRaw("false")
        needsComma = true
    }

    public mutating func field(_ name: StaticString, string value: some Collection<UInt8>) {
        key(name)
        appendString(value)
        needsComma = true
    }

    public mutating func field(_ name: StaticString, _ value: String) {
        field(name, string: value.utf8)
    }

    public mutating func field(_ name: StaticString, integers values: some Sequence<some BinaryInteger>) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for v in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            appendInteger(v)
            first = false
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    public mutating func field(_ name: StaticString, strings values: some Sequence<[UInt8]>) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for v in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            appendString(v)
            first = false
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Starts a nested object as the value of `name`; close it with `endObject()`.
    public mutating func beginObject(_ name: StaticString) {
        key(name)
        beginObject()
    }

    /// A value that is already valid JSON text (e.g. an RFC 3339 time built in place).
    public mutating func field(_ name: StaticString, rawJSON: (inout JSONBuffer) -> Void) {
        key(name)
        rawJSON(&self)
        needsComma = true
    }

    // MARK: values

    public mutating func appendRaw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func appendInteger(_ value: some BinaryInteger) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDecimal(UInt64(0 - Int64(value)))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    public mutating func appendDecimal(_ value: UInt64, minDigits: Int = 1) {
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0) // 32 bytes of scratch
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = value, i = scratch.count
            repeat {
                i -= 1
                scratch[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            while scratch.count - i < minDigits {
                i -= 1
                scratch[i] = UInt8(ascii: "0")
            }
            bytes.append(contentsOf: scratch[i...])
        }
    }

    public mutating func appendString(_ value: some Collection<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var it = value.makeIterator()
        var pending: UInt8? = nil
        while let b = pending ?? it.next() {
            pending = nil
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), b])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), b])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20, 0x7f:
                appendRaw("\\u00")
                bytes.append(Self.hex[Int(b >> 4)])
                bytes.append(Self.hex[Int(b & 0xf)])
            case 0x20..<0x80:
                bytes.append(b)
            default:
                // A multi-byte UTF-8 sequence: copy it whole if valid, else U+FFFD.
                var seq: [UInt8] = [b]
                let need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1
                if need > 0 {
                    while seq.count <= need, let n = it.next() {
                        if n & 0xc0 != 0x80 { pending = n; break }
                        seq.append(n)
                    }
                }
                if need > 0 && seq.count == need + 1 && Self.isValidUTF8(seq) {
                    bytes.append(contentsOf: seq)
                } else {
                    for _ in seq { bytes.append(contentsOf: [0xef, 0xbf, 0xbd]) }
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Rejects overlong forms, surrogates and values past U+10FFFF.
    private static func isValidUTF8(_ seq: [UInt8]) -> Bool {
        switch seq.count {
        case 2: return true // lead byte already checked ≥ 0xc2
        case 3:
            if seq[0] == 0xe0 && seq[1] < 0xa0 { return false }
            if seq[0] == 0xed && seq[1] >= 0xa0 { return false }
            return true
        case 4:
            if seq[0] == 0xf0 && seq[1] < 0x90 { return false }
            if seq[0] == 0xf4 && seq[1] >= 0x90 { return false }
            return true
        default: return false
        }
    }

    /// RFC 3339 UTC with nanoseconds, e.g. "2026-11-29T04:31:02.123456789Z".
    public mutating func appendTime(wallNs: Int64) {
        let t = CivilTime(wallNs: wallNs)
        bytes.append(UInt8(ascii: "\""))
        appendDecimal(UInt64(t.year), minDigits: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDecimal(UInt64(t.month), minDigits: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDecimal(UInt64(t.day), minDigits: 2)
        bytes.append(UInt8(ascii: "T"))
        appendDecimal(UInt64(t.hour), minDigits: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDecimal(UInt64(t.minute), minDigits: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDecimal(UInt64(t.second), minDigits: 2)
        bytes.append(UInt8(ascii: "."))
        appendDecimal(UInt64(t.nanos), minDigits: 9)
        appendRaw("Z\"")
    }
}
