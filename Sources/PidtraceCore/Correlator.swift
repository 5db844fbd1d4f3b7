/// Turns decoded kernel events into process records: applies the argv limits and
/// decides about new PID namespaces the kernel sent from outside the filter.
public final class Correlator {
    public struct ArgvLimits: Sendable, Equatable {
        public var maxArgs: Int
        public var maxArgBytes: Int
        public init(maxArgs: Int = Argv.defaultMaxArgs, maxArgBytes: Int = Argv.defaultMaxArgBytes) {
            self.maxArgs = maxArgs
            self.maxArgBytes = maxArgBytes
        }
    }

    public let argvLimits: ArgvLimits
    /// Asked when a new PID namespace appears outside the filter: return true to
    /// start following it (its init's fork record is then written too).
    public var adoptNamespace: (ProcessEvent) -> Bool = { _ in false }

    public init(argvLimits: ArgvLimits = ArgvLimits()) {
        self.argvLimits = argvLimits
    }

    public func record(for event: ProcessEvent) -> ProcessRecord? {
        if event.isUnwatched {
            guard adoptNamespace(event) else { return nil }
        }
        guard event.kind == .exec else { return ProcessRecord(event: event) }
        let argv = Argv(area: event.argsArea, areaTruncated: event.argsAreaTruncated,
                        maxArgs: argvLimits.maxArgs, maxArgBytes: argvLimits.maxArgBytes)
        return ProcessRecord(event: event, argv: argv)
    }
}
