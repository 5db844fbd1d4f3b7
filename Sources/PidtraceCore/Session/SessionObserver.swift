/// What an assembly of a trace adds beyond its outputs (`pidtrace agent`: the history
/// and the metrics). Called on the trace's reader thread.
public protocol SessionObserver: AnyObject {
    /// Before anything is attached: the tracker of the containers followed, if any.
    func following(_ tracker: ContainerTracker)
    /// The BPF programs are attached: events flow from now on.
    func attached(_ tracer: BPFTracer)
    /// Each record in time order, before the story hears of it.
    func record(_ record: TraceRecord)
    /// A container generation ended (its story is complete).
    func ended(_ generation: TraceReport.Generation)
    /// Once per turn of the read loop (every 100 ms or sooner).
    func tick(nowNs: UInt64)
    /// The trace stopped; the `stop` record was the last `record`.
    func stopped()
    /// What went wrong since the last call that changes what the records mean (written
    /// into the stream as `notice` records); called once per turn of the read loop.
    func takeNotices() -> [Notice]
}

extension SessionObserver {
    public func takeNotices() -> [Notice] { [] }
}
