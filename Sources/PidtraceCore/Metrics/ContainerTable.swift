import Prometheus

/// The series of every container seen, and the containers forgotten: a removed
/// container's gauges go at once, its counters stay (Prometheus reads a counter that
/// vanished mid-run as data lost, not as zero) until `keepRemoved` more recent
/// removals push them out, so a node that creates containers all day stays flat.
struct ContainerTable {
    private let registry: PrometheusCollectorRegistry
    private let keepRemoved: Int
    private var series: [ContainerLabels: ContainerSeries] = [:]
    /// Removed containers whose counters are still exported, oldest first.
    private var removed: [ContainerLabels] = []

    init(registry: PrometheusCollectorRegistry, keepRemoved: Int) {
        self.registry = registry
        self.keepRemoved = max(0, keepRemoved)
    }

    mutating func follow(_ labels: ContainerLabels) {
        revive(labels)
        series[labels, default: ContainerSeries(registry: registry, labels: labels)].startAtZero()
    }

    mutating func count(_ end: GenerationEnd) {
        revive(end.labels)
        series[end.labels, default: ContainerSeries(registry: registry, labels: end.labels)].count(end)
    }

    mutating func setZombies(_ count: Int, of labels: ContainerLabels) {
        revive(labels)
        series[labels, default: ContainerSeries(registry: registry, labels: labels)].setZombies(count)
    }

    mutating func remove(_ labels: ContainerLabels) {
        guard series[labels] != nil else { return }
        series[labels]?.dropGauges()
        revive(labels)
        removed.append(labels)
        while removed.count > keepRemoved {
            series.removeValue(forKey: removed.removeFirst())?.unregisterAll()
        }
    }

    /// A name used again (`docker run --name web` after `docker rm web`) is a live container.
    private mutating func revive(_ labels: ContainerLabels) {
        if let i = removed.firstIndex(of: labels) { removed.remove(at: i) }
    }
}
