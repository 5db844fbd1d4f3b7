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
