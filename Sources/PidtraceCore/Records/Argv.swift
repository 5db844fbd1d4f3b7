/// An exec's argv, bounded by the user's limits. `truncated` says that something was
/// cut: arguments past `maxArgs`, an argument past `maxArgBytes`, or an area longer
/// than the kernel copies.
///
/// Kept as the kernel's NUL-separated area: every exec on the host comes through
/// here, and when nothing is cut (nearly always) the argv shares the event's bytes,
/// so recording one costs no allocation. As a sequence it gives each argument as a
/// slice of that area; `args` copies them out for the few that need arrays.
public struct Argv: Sendable, Equatable {
    /// The arguments back to back, each followed by a NUL (none holds one).
    public private(set) var joined: ArraySlice<UInt8>
    public private(set) var count: Int
    public var truncated: Bool

    public static let defaultMaxArgs = 32
    public static let defaultMaxArgBytes = 1024

    public init(args: [[UInt8]], truncated: Bool) {
        var joined: [UInt8] = []
        joined.reserveCapacity(args.reduce(0) { $0 + $1.count + 1 })
        for arg in args {
            joined += arg
            joined.append(0)
        }
        self.init(joined: joined[...], count: args.count, truncated: truncated)
    }

    private init(joined: ArraySlice<UInt8>, count: Int, truncated: Bool) {
        self.joined = joined
        self.count = count
        self.truncated = truncated
    }

    /// Each NUL of `area` ends an argument; so does the end of an area not ending in one.
    public init(area: ArraySlice<UInt8>, areaTruncated: Bool,
                maxArgs: Int = defaultMaxArgs, maxArgBytes: Int = defaultMaxArgBytes) {
        // One pass to see whether anything must be cut; most areas are kept as they are.
        var count = 0, longest = 0, start = area.startIndex
        for i in area.indices where area[i] == 0 {
            count += 1
            longest = Swift.max(longest, i - start)
            start = i + 1
        }
        if area.last == 0, count <= maxArgs, longest <= maxArgBytes {
            self.init(joined: area, count: count, truncated: areaTruncated)
            return
        }
        var args: [[UInt8]] = []
        var cut = areaTruncated
        start = area.startIndex
        for end in area.startIndex...area.endIndex where end == area.endIndex ? start < end : area[end] == 0 {
            guard args.count < maxArgs else {
                cut = true
                break
            }
            if end - start > maxArgBytes { cut = true }
            args.append(Array(area[start..<Swift.min(end, start + maxArgBytes)]))
            start = end + 1
        }
        self.init(args: args, truncated: cut)
    }

    /// One array per argument.
    public var args: [[UInt8]] {
        get { map(Array.init) }
        set { self = Argv(args: newValue, truncated: truncated) }
    }
}

/// Each argument in order, as a slice of `joined` (no copy).
extension Argv: Sequence {
    public struct Iterator: IteratorProtocol {
        var rest: ArraySlice<UInt8>

        public mutating func next() -> ArraySlice<UInt8>? {
            guard let end = rest.firstIndex(of: 0) else { return nil }
            defer { rest = rest[(end + 1)...] }
            return rest[..<end]
        }
    }

    public func makeIterator() -> Iterator { Iterator(rest: joined) }
    public var underestimatedCount: Int { count }
}
