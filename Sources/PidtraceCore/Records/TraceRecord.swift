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
}
