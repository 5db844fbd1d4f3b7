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

    public init(area: [UInt8], areaTruncated: Bool,
                maxArgs: Int = defaultMaxArgs, maxArgBytes: Int = defaultMaxArgBytes) {
        var parts = area.isEmpty ? [] : area.split(separator: 0, omittingEmptySubsequences: false)
        if area.last == 0 { parts.removeLast() } // the terminator of the last argument
        truncated = areaTruncated || parts.count > maxArgs
        args = parts.prefix(maxArgs).map { part in
            if part.count > maxArgBytes {
                return Array(part.prefix(maxArgBytes))
            }
            return Array(part)
        }
        if parts.prefix(maxArgs).contains(where: { $0.count > maxArgBytes }) { truncated = true }
    }
}
