/// The records about the trace itself rather than one process: start, lost, notice, stop.

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

public struct NoticeRecord: Sendable {
    public var tsNs: UInt64
    public var notice: Notice

    public init(tsNs: UInt64, notice: Notice) {
        self.tsNs = tsNs
        self.notice = notice
    }
}
