/// Fixed-size values from the kernel kept inline in a ProcessEvent, so decoding an
/// event allocates nothing (an array per event cost a malloc, a free and ARC traffic
/// on every copy: a fifth of the drain's CPU). Stored as plain words, not SIMD
/// vectors: a 16-byte-aligned field makes every object holding an event (a
/// ProcessRecord per record) come from posix_memalign instead of malloc.

/// A task's comm: up to 15 bytes (TASK_COMM_LEN with its NUL), as the kernel keeps it.
public struct Comm: RandomAccessCollection, Sendable, Equatable, ExpressibleByStringLiteral {
    /// NUL past `count`.
    private(set) var bytes: (UInt64, UInt64)
    public let count: Int

    /// The bytes before the first NUL (at most 16).
    public init(_ source: some Sequence<UInt8>) {
        var bytes: (UInt64, UInt64) = (0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &bytes) { to in
            for b in source {
                guard b != 0, n < 16 else { break }
                to[n] = b
                n += 1
            }
        }
        self.bytes = bytes
        count = n
    }

    public init(stringLiteral value: String) { self.init(value.utf8) }

    /// A NUL-padded char[16] as the BPF program wrote it.
    init(raw: UnsafeRawBufferPointer, offset: Int) {
        var bytes: (UInt64, UInt64) = (0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &bytes) { to in
            // Only up to the NUL: the kernel may leave an older, longer name's tail after it.
            while n < 16, case let b = raw[offset + n], b != 0 {
                to[n] = b
                n += 1
            }
        }
        self.bytes = bytes
        count = n
    }

    /// Needs no JSON escaping and shows as is on a terminal.
    var isPlainASCII: Bool {
        withUnsafeBytes(of: bytes) { b in
            for i in 0..<count where b[i] &- 0x20 >= 0x5f || b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "\\") {
                return false
            }
            return true
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> UInt8 { withUnsafeBytes(of: bytes) { $0[position] } }

    public static func == (a: Comm, b: Comm) -> Bool { a.count == b.count && a.bytes == b.bytes }
}

/// A process's PID at each PID namespace level, outermost (the host's) first, as `NSpid:`.
public struct PIDChain: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    public static let capacity = 32 // PT_MAX_NS_LEVELS, the kernel's MAX_PID_NS_LEVEL
    private var pids: InlineArray<32, UInt32>
    public let count: Int

    public init(_ source: some Sequence<UInt32>) {
        var pids = InlineArray<32, UInt32>(repeating: 0)
        var n = 0
        for pid in source.prefix(Self.capacity) {
            pids[n] = pid
            n += 1
        }
        self.pids = pids
        count = n
    }

    public init(arrayLiteral elements: UInt32...) { self.init(elements) }

    /// The first `count` entries of a __u32[32] as the BPF program wrote it.
    init(raw: UnsafeRawBufferPointer, offset: Int, count: Int) {
        pids = raw.loadUnaligned(fromByteOffset: offset, as: InlineArray<32, UInt32>.self)
        self.count = Swift.min(count, Self.capacity)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> UInt32 { pids[position] }

    public static func == (a: PIDChain, b: PIDChain) -> Bool { a.elementsEqual(b) }
}
