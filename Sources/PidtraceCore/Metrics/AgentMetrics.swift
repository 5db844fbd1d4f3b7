import Prometheus
import Synchronization

/// What `pidtrace agent` exports to Prometheus: how each container's runs ended and
/// who caused it, SIGTERM ignored by PID 1, the stop's duration, OOM kills, zombies
/// (labelled by container, pod, namespace, runtime; docs/metrics.md), and the agent's
/// own health. Any thread may call it: the agent tells it what happens, the metrics
/// server asks it for the exposition.
public final class AgentMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let containers: Mutex<ContainerTable>
    private let health: HealthSeries

    /// `keepRemoved`: the removed containers whose counters are still exported.
    public init(sampler: MetricsSampler = .system, keepRemoved: Int = 1024) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        containers = Mutex(ContainerTable(registry: registry, keepRemoved: keepRemoved))
        health = HealthSeries(registry: registry, sampler: sampler)
    }

    /// A generation has ended (`StoryTracker.onEnded`). One without a container is not counted.
    public func generationEnded(_ generation: TraceReport.Generation) {
        if let end = GenerationEnd(generation) { count([end]) }
    }

    /// The ended generations of the history, at start, so that an agent's restart does
    /// not reset the counters Prometheus has seen. Call it once, before the first
    /// generation ends: each call counts what it is given.
    public func restore(_ ends: [GenerationEnd]) { count(ends) }

    /// The agent follows this container now: its series with known labels start at 0
    /// (SIGTERM ignored, OOM kills, zombies), so that `increase()` sees their first change.
    public func containerFollowed(_ container: ContainerLabels) {
        containers.withLock { $0.follow(container) }
    }

    /// The latest generation's zombies never reaped, as the agent counts them now.
    public func setUnreapedZombies(_ count: Int, of container: ContainerLabels) {
        containers.withLock { $0.setZombies(count, of: container) }
    }

    /// The container is gone (`docker rm`, pod deleted): its gauges go, its counters stay
    /// until enough later removals push them out.
    public func containerRemoved(_ container: ContainerLabels) {
        containers.withLock { $0.remove(container) }
    }

    /// Records made, by `event` kind; the agent sums them per poll rather than per record.
    public func recordsWritten(kind: String, count: Int) { health.recordsWritten(kind: kind, count: count) }

    /// Kernel events lost since the last call (the `lost` records' counts).
    public func eventsLost(_ count: Int) { health.eventsLost(count) }

    public func historyWriteFailed(_ count: Int) { health.historyWriteFailed(count) }

    public func setContainersFollowed(_ count: Int) { health.setContainersFollowed(count) }

    /// Where the BPF programs' run-time statistics (`{ tracer.programStats() }`) and the
    /// kernel filter's size are read at each scrape, on the server's thread: stop the
    /// server before the tracer goes.
    public func setBPFSources(programStats: @escaping @Sendable () -> [BPFProgramStats],
                              watchedNamespaces: @escaping @Sendable () -> Int) {
        health.setBPFSources(programStats: programStats, watchedNamespaces: watchedNamespaces)
    }

    /// The Prometheus text format (0.0.4), families in name order.
    public func exposition() -> [UInt8] {
        health.sample()
        var text: [UInt8] = []
        registry.emit(into: &text)
        return ExpositionOrder.sortedByFamily(text)
    }

    private func count(_ ends: [GenerationEnd]) {
        containers.withLock { table in
            for end in ends { table.count(end) }
        }
    }
}
