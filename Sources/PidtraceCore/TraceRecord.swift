/// Everything a trace writes, in the order it happens. Sinks turn these into the
/// table or NDJSON; the NDJSON record is documented in docs/record.md.
public enum TraceRecord: Sendable {
    case start(StartInfo)
    case process(ProcessRecord)
    case lost(LostInfo)
    case stop(StopInfo)
    /// A process already running in a followed container when the trace started.
    case snapshot(SnapshotRecord)
    case containerStart(ContainerLifecycle)
    case containerExit(ContainerLifecycle)
    case reap(ReapRecord)
    case zombie(ZombieRecord)
    /// Something that changes what the file means: events may be missing, a runtime call failed.
    case notice(NoticeRecord)
}

public struct NoticeRecord: Sendable {
    public var tsNs: UInt64
    public var notice: Notice

    public init(tsNs: UInt64, notice: Notice) {
        self.tsNs = tsNs
        self.notice = notice
    }
}

/// A process event with what user space adds to it. A class: made once per event and
/// then only passed along (record enum, sinks, zombie table), each time by reference
/// rather than as a copy of several hundred bytes.
public final class ProcessRecord: Sendable {
    public let event: ProcessEvent
    /// exec only.
    public let argv: Argv?
    public let container: ContainerAttribution?
    /// signal only: the sender's container, when it is in a followed one.
    public let senderContainer: ContainerAttribution?

    public init(event: ProcessEvent, argv: Argv? = nil, container: ContainerAttribution? = nil,
                senderContainer: ContainerAttribution? = nil) {
        self.event = event
        self.argv = argv
        self.container = container
        self.senderContainer = senderContainer
    }
}

/// A process seen in /proc rather than through its events.
public struct SnapshotRecord: Sendable {
    /// Why it was read from /proc.
    public enum Observed: Sendable {
        /// Running when pidtrace began to follow its container: it started before the trace.
        case traceStart
        /// In a new generation that the kernel side could not watch from its init's fork
        /// (the filter map was full): what ran before the claim is only known from here.
        case claim

        public var name: StaticString {
            switch self {
            case .traceStart: "trace_start"
            case .claim: "claim"
            }
        }
    }

    public var tsNs: UInt64
    public var process: ProcessEntry
    public var mntns: UInt32
    public var container: ContainerAttribution?
    public var observed: Observed

    public init(tsNs: UInt64, process: ProcessEntry, mntns: UInt32, container: ContainerAttribution?,
                observed: Observed = .traceStart) {
        self.tsNs = tsNs
        self.process = process
        self.mntns = mntns
        self.container = container
        self.observed = observed
    }
}

/// A container generation began (its PID 1 appeared) or ended (its PID 1 exited).
public struct ContainerLifecycle: Sendable {
    public var tsNs: UInt64
    public var container: ContainerAttribution
    public var initHostPID: UInt32
    public var pidns: UInt32
    /// container_exit: how PID 1 ended.
    public var exit: ExitStatus?
    /// container_start of a container already running: when the runtime started it.
    public var startedAt: String?
    /// The init's PID in the namespace: 1, except for a container sharing its pod's
    /// namespace (the sandbox is PID 1 there).
    public var initNSPID: UInt32

    public init(tsNs: UInt64, container: ContainerAttribution, initHostPID: UInt32, pidns: UInt32,
                exit: ExitStatus? = nil, startedAt: String? = nil, initNSPID: UInt32 = 1) {
        self.tsNs = tsNs
        self.initNSPID = initNSPID
        self.container = container
        self.initHostPID = initHostPID
        self.pidns = pidns
        self.exit = exit
        self.startedAt = startedAt
    }
}

public struct StartInfo: Sendable {
    public var tsNs: UInt64
    public var version: String
    public var hostname: String
    public var kernel: String
    public var bootID: String
    public var tracerPID: Int32
    public var filters: TraceFilters
    /// Event kinds asked for that this kernel cannot record, with the reason.
    public var unavailable: [EventKind: String]

    public init(tsNs: UInt64, version: String, hostname: String, kernel: String, bootID: String,
                tracerPID: Int32, filters: TraceFilters, unavailable: [EventKind: String] = [:]) {
        self.tsNs = tsNs
        self.version = version
        self.hostname = hostname
        self.kernel = kernel
        self.bootID = bootID
        self.tracerPID = tracerPID
        self.filters = filters
        self.unavailable = unavailable
    }
}

/// What the trace follows, as recorded in the `start` record.
public struct TraceFilters: Sendable, Equatable {
    /// Empty: the whole host.
    public var pidNamespaces: [UInt32]
    public var kinds: [EventKind]
    public var threads: Bool
    /// As the user named them (`--container`).
    public var containers: [String]

    public init(pidNamespaces: [UInt32] = [], kinds: [EventKind] = EventKind.allCases, threads: Bool = false,
                containers: [String] = []) {
        self.pidNamespaces = pidNamespaces
        self.kinds = kinds
        self.threads = threads
        self.containers = containers
    }
}

public struct LostInfo: Sendable {
    public var tsNs: UInt64
    /// Events the kernel could not hand over since the previous `lost` record.
    public var count: UInt64
    public init(tsNs: UInt64, count: UInt64) {
        self.tsNs = tsNs
        self.count = count
    }
}

public struct StopInfo: Sendable {
    public var tsNs: UInt64
    public var events: UInt64
    public var lost: UInt64
    public var reason: String
    /// Why the trace failed (e.g. the write error), when it did.
    public var error: String? = nil
    /// The kernel's loss counter could not be read: `lost` is only what was counted.
    public var lostUnknown = false
    public init(tsNs: UInt64, events: UInt64, lost: UInt64, reason: String) {
        self.tsNs = tsNs
        self.events = events
        self.lost = lost
        self.reason = reason
    }
}
