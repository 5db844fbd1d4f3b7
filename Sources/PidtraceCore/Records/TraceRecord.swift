/// Everything a trace writes, in the order it happens. Sinks turn these into the
/// table or NDJSON; the NDJSON record is documented in docs/record.md.
///
/// Every record is copied a few times on its way (into the orderer, out of it, to each
/// sink): the big payloads are `indirect` (boxed), so a record is two words to copy and
/// one reference to retain, not a ~200-byte value with a field-by-field copy. A process
/// record is a class reference already.
public enum TraceRecord: Sendable {
    indirect case start(StartInfo)
    case process(ProcessRecord)
    case lost(LostInfo)
    indirect case stop(StopInfo)
    /// A process already running in a followed container when the trace started.
    indirect case snapshot(SnapshotRecord)
    indirect case containerStart(ContainerLifecycle)
    indirect case containerExit(ContainerLifecycle)
    indirect case reap(ReapRecord)
    indirect case zombie(ZombieRecord)
    /// Something that changes what the file means: events may be missing, a runtime call failed.
    indirect case notice(NoticeRecord)
    /// What the container runtime did to a followed container (started, killed, ...).
    indirect case runtimeEvent(RuntimeEventRecord)
}

extension TraceRecord {
    /// How long after taking its time a BPF program may commit its record. Far more
    /// than it takes (microseconds); a program preempted for longer than this between
    /// the two can still be out of order by that much. Records are written in order
    /// once the ring has been read this far past their time.
    static let orderSlackNs: UInt64 = 10_000_000

    /// Boot-time ns of the record.
    var tsNs: UInt64 {
        switch self {
        case let .start(s): s.tsNs
        case let .process(p): p.event.tsNs
        case let .lost(l): l.tsNs
        case let .stop(s): s.tsNs
        case let .snapshot(s): s.tsNs
        case let .containerStart(c), let .containerExit(c): c.tsNs
        case let .reap(r): r.tsNs
        case let .zombie(z): z.tsNs
        case let .notice(n): n.tsNs
        case let .runtimeEvent(r): r.tsNs
        }
    }
}

extension TraceRecord {
    /// The record's `event` name in the NDJSON record.
    public var eventName: String {
        switch self {
        case .start: "start"
        case let .process(p): p.event.kind.name
        case .lost: "lost"
        case .stop: "stop"
        case .snapshot: "snapshot"
        case .containerStart: "container_start"
        case .containerExit: "container_exit"
        case .reap: "reap"
        case .zombie: "zombie"
        case .notice: "notice"
        case .runtimeEvent: "runtime_event"
        }
    }
}
