/// The agent's metrics from its trace: each ended generation counted, records by kind
/// and lost events summed per turn of the read loop (not one call per record), the
/// containers followed, each live container's zombies not reaped yet, and `/healthz`
/// ready once the BPF programs are attached.
final class MetricsRecorder: SessionObserver {
    private let metrics: AgentMetrics
    private let server: MetricsServer?
    private weak var tracker: ContainerTracker?
    private var kinds: [String: Int] = [:]
    private var lost = 0
    /// Zombies of each container's live generation, by host PID: a gauge.
    private var zombies: [ContainerLabels: Set<UInt32>] = [:]

    init(metrics: AgentMetrics, server: MetricsServer?) {
        self.metrics = metrics
        self.server = server
    }

    func following(_ tracker: ContainerTracker) { self.tracker = tracker }

    func attached(_ tracer: BPFTracer) {
        // Read on the server's thread; the server stops before the tracer goes (`stopped`).
        nonisolated(unsafe) let tracer = tracer
        metrics.setBPFSources(programStats: { tracer.programStats() },
                              watchedNamespaces: { tracer.watchedNamespaceCount() })
        server?.ready = true
    }

    func record(_ record: TraceRecord) {
        kinds[record.eventName, default: 0] += 1
        switch record {
        case let .lost(l):
            lost += Int(clamping: l.count)
        case let .notice(n) where n.notice.kind == .historyNotWritten:
            metrics.historyWriteFailed(1)
        case let .containerStart(c):
            metrics.containerFollowed(Self.labels(c.container))
        case let .zombie(z):
            if let c = z.exit.container { setZombies(of: Self.labels(c)) { $0.insert(z.exit.event.hostPID) } }
        case let .reap(r):
            if let c = r.exit.container { setZombies(of: Self.labels(c)) { $0.remove(r.exit.event.hostPID) } }
        case let .runtimeEvent(r) where r.action == "destroy":
            zombies[Self.labels(r.container)] = nil
            metrics.containerRemoved(Self.labels(r.container))
        default:
            break
        }
    }

    func ended(_ generation: TraceReport.Generation) {
        metrics.generationEnded(generation)
        // Its namespace is gone, and its zombies with it.
        if let identity = generation.container, zombies.removeValue(forKey: ContainerLabels(identity)) != nil {
            metrics.setUnreapedZombies(0, of: ContainerLabels(identity))
        }
    }

    func tick(nowNs: UInt64) {
        for (kind, count) in kinds { metrics.recordsWritten(kind: kind, count: count) }
        kinds.removeAll(keepingCapacity: true)
        if lost > 0 { metrics.eventsLost(lost) }
        lost = 0
        if let tracker { metrics.setContainersFollowed(tracker.followedCount) }
    }

    func stopped() {
        tick(nowNs: 0)
        server?.stop()
    }

    private func setZombies(of labels: ContainerLabels, _ change: (inout Set<UInt32>) -> Void) {
        change(&zombies[labels, default: []])
        metrics.setUnreapedZombies(zombies[labels]?.count ?? 0, of: labels)
    }

    static func labels(_ c: ContainerAttribution) -> ContainerLabels {
        ContainerLabels(container: c.name, pod: c.pod?.name ?? "", namespace: c.pod?.namespace ?? "", runtime: c.runtime ?? "")
    }
}
