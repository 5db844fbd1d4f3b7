/// The agent's part of a trace: each live generation's records kept (bounded), and at
/// each generation's end its history entry handed to the writer thread. Generation
/// numbers continue from the history.
final class AgentRecorder: SessionObserver {
    private let keeper: RecordKeeper
    private let writer: HistoryWriter
    /// A read-only connection for the reader thread's questions (the writer's is its own).
    private let numbers: HistoryStore
    private let bootID: String
    /// The state directory marked alive every `MissedEnds.beatNs`.
    private let heartbeat: MissedEnds
    private var lastBeatNs: UInt64 = 0

    init(writer: HistoryWriter, numbers: HistoryStore, bootID: String, clock: BootClock, heartbeat: MissedEnds) {
        self.writer = writer
        self.numbers = numbers
        self.bootID = bootID
        self.heartbeat = heartbeat
        keeper = RecordKeeper(clock: clock)
    }

    func following(_ tracker: ContainerTracker) {
        let numbers = self.numbers
        tracker.previousGenerations = { id, podKey in
            do {
                if let podKey {
                    let parts = podKey.split(separator: "/", maxSplits: 2).map(String.init)
                    guard parts.count == 3 else { return 0 }
                    return try numbers.latestGeneration(name: parts[2], pod: parts[1], namespace: parts[0]) ?? 0
                }
                return try numbers.latestGeneration(containerID: id) ?? 0
            } catch {
                Log.logger.warning("the history could not say a container's last generation: \(error)")
                return 0
            }
        }
    }

    func attached(_ tracer: BPFTracer) {}

    func record(_ record: TraceRecord) { keeper.add(record) }

    func ended(_ generation: TraceReport.Generation) {
        let records = keeper.take(generation)
        guard let entry = HistoryEntry(generation: generation, records: records, bootID: bootID) else { return }
        writer.submit(entry)
    }

    func takeNotices() -> [Notice] {
        writer.takeProblems().map { Notice(kind: .historyNotWritten, message: $0) }
    }

    func tick(nowNs: UInt64) {
        guard nowNs >= lastBeatNs + MissedEnds.beatNs else { return }
        lastBeatNs = nowNs
        heartbeat.beat()
    }

    /// Live generations have no end yet: they get their entry when they end under the
    /// next agent (or one marked not observed).
    func stopped() {
        keeper.removeAll()
        // The read-only connection first: the writer's, closing last, removes the WAL.
        numbers.close()
        writer.finish()
        heartbeat.beat()
    }
}
