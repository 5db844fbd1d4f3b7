/// Turns decoded kernel events into trace records: container attribution (and
/// restarts) through the ContainerTracker, and the argv limits.
public final class Correlator {
    public struct ArgvLimits: Sendable, Equatable {
        public var maxArgs: Int
        public var maxArgBytes: Int
        /// `--redact-args`: secret values become `***` (ArgvRedaction).
        public var redact: Bool
        public init(maxArgs: Int = Argv.defaultMaxArgs, maxArgBytes: Int = Argv.defaultMaxArgBytes,
                    redact: Bool = false) {
            self.maxArgs = maxArgs
            self.maxArgBytes = maxArgBytes
            self.redact = redact
        }
    }

    public let argvLimits: ArgvLimits
    /// nil when no container is followed.
    public let containers: ContainerTracker?
    /// Kinds the user asked for: the kernel also sends namespace inits' forks.
    public let kinds: Set<EventKind>
    /// `kinds` as bits (1 << rawValue): a Set lookup hashed on every event.
    private let kindMask: UInt32
    /// nil unless reaps are recorded.
    public let zombies: ZombieTracker?
    /// Events of new namespaces whose container the runtime is being asked about, by
    /// namespace, in ring order: replayed or dropped once it answers.
    private var held: [UInt32: [ProcessEvent]] = [:]
    /// A namespace's held events beyond this are dropped (and said so): a runtime that
    /// never answers must not grow memory without bound.
    static let maxHeldPerNamespace = 100_000
    /// The time of the oldest held event (.max when none): no record after it may be
    /// written before it, so the session holds the output from here on.
    public private(set) var heldSinceNs: UInt64 = .max

    public init(argvLimits: ArgvLimits = ArgvLimits(), containers: ContainerTracker? = nil,
                kinds: Set<EventKind> = Set(EventKind.allCases), zombieAfterNs: UInt64 = 5_000_000_000) {
        self.argvLimits = argvLimits
        self.containers = containers
        self.kinds = kinds
        kindMask = kinds.reduce(0) { $0 | 1 << $1.rawValue }
        zombies = kinds.contains(.reap) ? ZombieTracker(zombieAfterNs: zombieAfterNs) : nil
    }

    /// Emits the records for one event; returns whether the event itself was kept.
    @discardableResult
    public func process(_ event: consuming ProcessEvent, emit: (TraceRecord) -> Void) -> Bool {
        if event.kind == .reap {
            // The zombie's PIDs are gone by now: its exit record speaks for it.
            guard let reap = zombies?.reap(event) else { return false }
            emit(.reap(reap))
            return true
        }
        var container: ContainerAttribution? = nil
        if let containers {
            switch containers.attribute(event, emit: emit) {
            case let .keep(attribution): container = attribution
            case .hold:
                hold(event)
                return false
            case .drop: return false
            }
        } else if event.isUnwatched {
            return false // a new namespace outside the filter, sent in case we follow containers
        }
        guard kindMask & 1 << event.kind.rawValue != 0 else { return false }
        var argv: Argv? = nil
        if event.kind == .exec || event.kind == .execFailed {
            argv = Argv(area: event.argsArea, areaTruncated: event.argsAreaTruncated,
                        maxArgs: argvLimits.maxArgs, maxArgBytes: argvLimits.maxArgBytes)
            if argvLimits.redact { argv = argv.map(ArgvRedaction.redact) }
        }
        let senderContainer = event.kind == .signal
            ? event.peer.flatMap { containers?.container(ofProcess: $0.hostPID, pidns: $0.pidns) } : nil
        // The event's last use: moved into the record, not copied.
        let record = ProcessRecord(event: event, argv: argv, container: container, senderContainer: senderContainer)
        zombies?.observe(record)
        emit(.process(record))
        containers?.finish(record.event, emit: emit)
        return true
    }

    private func hold(_ event: ProcessEvent) {
        var events = held.removeValue(forKey: event.pidns) ?? []
        if events.count < Self.maxHeldPerNamespace {
            events.append(event)
        } else if events.count == Self.maxHeldPerNamespace {
            Log.logger.warning("the container runtime has not answered about PID namespace \(event.pidns); its further events are dropped")
        }
        held[event.pidns] = events
        heldSinceNs = min(heldSinceNs, event.tsNs)
    }

    /// The runtime answered about these namespaces: their held events go through again,
    /// now kept for the container or dropped. Returns how many were kept.
    @discardableResult
    public func replay(_ namespaces: [UInt32], emit: (TraceRecord) -> Void) -> Int {
        var kept = 0
        for inode in namespaces {
            for event in held.removeValue(forKey: inode) ?? [] where process(event, emit: emit) { kept += 1 }
        }
        heldSinceNs = held.values.compactMap { $0.first?.tsNs }.min() ?? .max
        return kept
    }

    /// Periodic work: zombies that have waited too long.
    public func tick(nowNs: UInt64, emit: (TraceRecord) -> Void) {
        for zombie in zombies?.overdue(nowNs: nowNs) ?? [] { emit(.zombie(zombie)) }
        containers?.prune(readUpToNs: nowNs)
    }
}
