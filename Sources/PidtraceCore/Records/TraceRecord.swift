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
        }
    }
}
