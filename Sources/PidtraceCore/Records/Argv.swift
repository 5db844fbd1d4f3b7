/// An exec's argv, split from the NUL-separated area the kernel copied, bounded by
/// the user's limits. `truncated` says that something was cut: arguments past
/// `maxArgs`, an argument past `maxArgBytes`, or an area longer than the kernel copies.
public struct Argv: Sendable, Equatable {
    public var args: [[UInt8]]
    public var truncated: Bool

    public static let defaultMaxArgs = 32
    public static let defaultMaxArgBytes = 1024

    public init(args: [[UInt8]], truncated: Bool) {
        self.args = args
        self.truncated = truncated
    }

    /// One pass over the area, one array per argument kept (every exec on the host
    /// comes through here).
    public init(area: [UInt8], areaTruncated: Bool,
                maxArgs: Int = defaultMaxArgs, maxArgBytes: Int = defaultMaxArgBytes) {
        var args: [[UInt8]] = []
        var truncated = areaTruncated
        area.withUnsafeBufferPointer { a in
            var start = 0
            // Each NUL ends an argument; so does the end of an area not ending in one.
            for end in 0...a.count where end == a.count ? start < a.count : a[end] == 0 {
                guard args.count < maxArgs else {
                    truncated = true
                    break
                }
                let length = end - start
                if length > maxArgBytes { truncated = true }
                args.append(Array(a[start..<start + min(length, maxArgBytes)]))
                start = end + 1
            }
        }
        self.args = args
        self.truncated = truncated
    }
}
