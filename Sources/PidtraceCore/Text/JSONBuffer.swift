/// Builds JSON text straight into one growing byte buffer: no per-event Foundation
/// objects and no temporary arrays on the hot path (each write reserves its worst
/// case once, then stores bytes through a pointer). Strings from the kernel are
/// arbitrary bytes; valid UTF-8 passes through, control characters are escaped, and
/// each byte of an invalid sequence becomes U+FFFD, so every line is valid JSON.
public struct JSONBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    public private(set) var count = 0
    private var needsComma = false
    /// "YYYY-MM-DDTHH:MM:SS." of the last second formatted: gmtime once a second.
    private var timeCacheSecond = Int64.min
    private var timeCache: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var timeCacheLength = 0

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// A copy of the text so far (tests, small documents).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The text so far, without copying (writing it out).
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    public mutating func removeAll() {
        count = 0
        needsComma = false
    }

    // MARK: raw storage

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(count &+ extra) }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Stores one byte; the caller has reserved room.
    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// Key names and literals are a few bytes: a loop beats a memmove call.
    @inline(__always)
    private mutating func put(_ text: StaticString) {
        let n = text.utf8CodeUnitCount, from = text.utf8Start, to = base + count
        for i in 0..<n { to[i] = from[i] }
        count &+= n
    }

    // MARK: structure

    public mutating func beginObject() {
        reserve(1)
        put(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        reserve(1)
        put(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Ends one NDJSON line.
    public mutating func endLine() {
        reserve(1)
        put(UInt8(ascii: "\n"))
        needsComma = false
    }

    @inline(__always)
    public mutating func key(_ name: StaticString) {
        let n = name.utf8CodeUnitCount
        reserve(n &+ 4)
        var to = base + count
        if needsComma {
            to.pointee = UInt8(ascii: ",")
            to += 1
        }
        to.pointee = UInt8(ascii: "\"")
        let from = name.utf8Start
        for i in 0..<n { to[1 &+ i] = from[i] }
        to[n &+ 1] = UInt8(ascii: "\"")
        to[n &+ 2] = UInt8(ascii: ":")
        count = (to - base) &+ n &+ 3
        needsComma = false
    }

    // MARK: fields

    public mutating func field(_ name: StaticString, _ value: some BinaryInteger) {
        key(name)
        appendInteger(value)
        needsComma = true
    }

    /// The hot path (every PID, namespace and timestamp): not generic, so it inlines
    /// and the key's length is a constant where it is called.
    @inline(__always)
    public mutating func field(_ name: StaticString, _ value: UInt64) {
        key(name)
        appendDecimal(value)
        needsComma = true
    }

    @inline(__always)
    public mutating func field(_ name: StaticString, _ value: UInt32) {
        field(name, UInt64(value))
    }

    @inline(__always)
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

    /// A task name: printable ASCII (the usual case) is stored whole with one 16-byte store.
    @inline(__always)
    public mutating func field(_ name: StaticString, string comm: Comm) {
        key(name)
        if comm.isPlainASCII {
            reserve(18)
            put(UInt8(ascii: "\""))
            UnsafeMutableRawPointer(base + count).storeBytes(of: comm.bytes, as: (UInt64, UInt64).self)
            count += comm.count
            put(UInt8(ascii: "\""))
        } else {
            appendString(comm)
        }
        needsComma = true
    }

    @inline(__always)
    public mutating func field(_ name: StaticString, pids: PIDChain) {
        key(name)
        reserve(1)
        put(UInt8(ascii: "["))
        for i in 0..<pids.count {
            if i > 0 {
                reserve(1)
                put(UInt8(ascii: ","))
            }
            appendDecimal(UInt64(pids[i]))
        }
        reserve(1)
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A string known to need no escaping (record kinds, fixed names).
    @inline(__always)
    public mutating func field(_ name: StaticString, plain value: StaticString) {
        key(name)
        reserve(value.utf8CodeUnitCount + 2)
        put(UInt8(ascii: "\""))
        put(value)
        put(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func field(_ name: StaticString, _ value: String) {
        field(name, string: value.utf8)
    }

    public mutating func field(_ name: StaticString, integers values: some Sequence<some BinaryInteger>) {
        array(name, values) { $0.appendInteger($1) }
    }

    public mutating func field(_ name: StaticString, strings values: some Sequence<some Collection<UInt8>>) {
        array(name, values) { $0.appendString($1) }
    }

    private mutating func array<S: Sequence>(_ name: StaticString, _ values: S,
                                             _ element: (inout JSONBuffer, S.Element) -> Void) {
        key(name)
        reserve(1)
        put(UInt8(ascii: "["))
        var first = true
        for v in values {
            if !first {
                reserve(1)
                put(UInt8(ascii: ","))
            }
            element(&self, v)
            first = false
        }
        reserve(1)
        put(UInt8(ascii: "]"))
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

    @inline(__always)
    public mutating func appendRaw(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        put(text)
    }

    @inline(__always)
    public mutating func appendInteger(_ value: some BinaryInteger) {
        if value < 0 {
            reserve(1)
            put(UInt8(ascii: "-"))
            appendDecimal(UInt64(truncatingIfNeeded: 0 &- Int64(truncatingIfNeeded: value)))
        } else {
            appendDecimal(UInt64(truncatingIfNeeded: value))
        }
    }

    @inline(__always)
    public mutating func appendDecimal(_ value: UInt64, minDigits: Int = 1) {
        let width = max(Self.decimalDigits(value), minDigits)
        reserve(width)
        // Right to left, straight into place; zeros pad to minDigits.
        let start = base + count
        var p = start + width
        var v = value
        // Two digits per division, from a table of "00" to "99".
        let digitPairs = Self.digitPairs.utf8Start
        while v >= 100 {
            let q = v / 100
            let pair = Int(truncatingIfNeeded: v &- q &* 100) &* 2
            p -= 2
            p[0] = digitPairs[pair]
            p[1] = digitPairs[pair &+ 1]
            v = q
        }
        if v >= 10 {
            let pair = Int(truncatingIfNeeded: v) &* 2
            p -= 2
            p[0] = digitPairs[pair]
            p[1] = digitPairs[pair &+ 1]
        } else {
            p -= 1
            p.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v)
        }
        while p > start {
            p -= 1
            p.pointee = UInt8(ascii: "0")
        }
        count &+= width
    }

    /// Comparisons, not divisions: PIDs, namespace inodes and counts have 1 to 10 digits.
    @inline(__always)
    static func decimalDigits(_ v: UInt64) -> Int {
        if v < 100_000 {
            if v < 100 { return v < 10 ? 1 : 2 }
            return v < 1_000 ? 3 : v < 10_000 ? 4 : 5
        }
        if v < 10_000_000_000 {
            if v < 10_000_000 { return v < 1_000_000 ? 6 : 7 }
            return v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10
        }
        var digits = 11, rest = v / 100_000_000_000
        while rest > 0 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    public mutating func appendString(_ value: some Collection<UInt8>) {
        // Worst case: every byte becomes \u00XX (6 bytes), plus the quotes.
        reserve(value.count * 6 + 2)
        put(UInt8(ascii: "\""))
        var it = value.makeIterator()
        var pending: UInt8? = nil
        while let b = pending ?? it.next() {
            pending = nil
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                put(UInt8(ascii: "\\"))
                put(b)
            case UInt8(ascii: "\n"):
                put(UInt8(ascii: "\\"))
                put(UInt8(ascii: "n"))
            case UInt8(ascii: "\t"):
                put(UInt8(ascii: "\\"))
                put(UInt8(ascii: "t"))
            case UInt8(ascii: "\r"):
                put(UInt8(ascii: "\\"))
                put(UInt8(ascii: "r"))
            case 0..<0x20, 0x7f:
                put("\\u00")
                put(Self.hex(b >> 4))
                put(Self.hex(b & 0xf))
            case 0x20..<0x80:
                put(b)
            default:
                // A multi-byte UTF-8 sequence: copy it whole if valid, else U+FFFD
                // for each of its bytes (3 bytes out per byte in: within the reserve).
                let need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1
                var seq: (UInt8, UInt8, UInt8, UInt8) = (b, 0, 0, 0)
                var got = 1
                if need > 0 {
                    while got <= need, let n = it.next() {
                        if n & 0xc0 != 0x80 {
                            pending = n
                            break
                        }
                        withUnsafeMutableBytes(of: &seq) { $0[got] = n }
                        got += 1
                    }
                }
                withUnsafeBytes(of: seq) { s in
                    if need > 0 && got == need + 1 && Self.isValidUTF8(s[0], s[1], count: got) {
                        for k in 0..<got { put(s[k]) }
                    } else {
                        for _ in 0..<got {
                            put(0xef)
                            put(0xbf)
                            put(0xbd)
                        }
                    }
                }
            }
        }
        put(UInt8(ascii: "\""))
    }

    /// "00" to "99" back to back; a StaticString, so no lazy-global check per use.
    private static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    @inline(__always)
    private static func hex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Rejects overlong forms, surrogates and values past U+10FFFF (lead byte ranges
    /// and continuation bytes are already checked).
    private static func isValidUTF8(_ lead: UInt8, _ second: UInt8, count: Int) -> Bool {
        switch count {
        case 2: return true // lead ≥ 0xc2
        case 3: return !(lead == 0xe0 && second < 0xa0) && !(lead == 0xed && second >= 0xa0)
        case 4: return !(lead == 0xf0 && second < 0x90) && !(lead == 0xf4 && second >= 0x90)
        default: return false
        }
    }

    /// RFC 3339 UTC with nanoseconds, e.g. "2026-11-29T04:31:02.123456789Z".
    public mutating func appendTime(wallNs: Int64) {
        let second = wallNs >= 0 ? wallNs / 1_000_000_000 : (wallNs - 999_999_999) / 1_000_000_000
        if second != timeCacheSecond { cacheTime(second: second) }
        reserve(timeCacheLength + 1)
        put(UInt8(ascii: "\""))
        withUnsafeBytes(of: timeCache) { prefix in
            (base + count).update(from: prefix.baseAddress!.assumingMemoryBound(to: UInt8.self), count: timeCacheLength)
        }
        count += timeCacheLength
        appendDecimal(UInt64(wallNs - second * 1_000_000_000), minDigits: 9)
        reserve(2)
        put("Z\"")
    }

    private mutating func cacheTime(second: Int64) {
        let t = CivilTime(wallNs: second * 1_000_000_000)
        var scratch = JSONBuffer(capacity: 32)
        scratch.appendDecimal(UInt64(t.year), minDigits: 4)
        scratch.appendRaw("-")
        scratch.appendDecimal(UInt64(t.month), minDigits: 2)
        scratch.appendRaw("-")
        scratch.appendDecimal(UInt64(t.day), minDigits: 2)
        scratch.appendRaw("T")
        scratch.appendDecimal(UInt64(t.hour), minDigits: 2)
        scratch.appendRaw(":")
        scratch.appendDecimal(UInt64(t.minute), minDigits: 2)
        scratch.appendRaw(":")
        scratch.appendDecimal(UInt64(t.second), minDigits: 2)
        scratch.appendRaw(".")
        scratch.withBytes { text in
            withUnsafeMutableBytes(of: &timeCache) { $0.copyMemory(from: text) } // ≤ 32: year ≤ 13 digits
        }
        timeCacheLength = scratch.count
        timeCacheSecond = second
    }
}
