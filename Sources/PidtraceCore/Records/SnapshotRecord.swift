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
