/// Turns decoded kernel events into trace records: container attribution (and
/// restarts) through the ContainerTracker, and the argv limits.
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
    /// nil when no container is followed.
    public let containers: ContainerTracker?
    /// Kinds the user asked for: the kernel also sends namespace inits' forks.
    public let kinds: Set<EventKind>

    public init(argvLimits: ArgvLimits = ArgvLimits(), containers: ContainerTracker? = nil,
                kinds: Set<EventKind> = Set(EventKind.allCases)) {
        self.argvLimits = argvLimits
        self.containers = containers
        self.kinds = kinds
    }

    /// Emits the records for one event; returns whether the event itself was kept.
    @discardableResult
    public func process(_ event: ProcessEvent, emit: (TraceRecord) -> Void) -> Bool {
        var container: ContainerAttribution? = nil
        if let containers {
            guard case let .keep(attribution) = containers.attribute(event, emit: emit) else { return false }
            container = attribution
        } else if event.isUnwatched {
            return false // a new namespace outside the filter, sent in case we follow containers
        }
        guard kinds.contains(event.kind) else { return false }
        var argv: Argv? = nil
        if event.kind == .exec {
            argv = Argv(area: event.argsArea, areaTruncated: event.argsAreaTruncated,
                        maxArgs: argvLimits.maxArgs, maxArgBytes: argvLimits.maxArgBytes)
        }
        emit(.process(ProcessRecord(event: event, argv: argv, container: container)))
        containers?.finish(event, emit: emit)
        return true
    }
}
