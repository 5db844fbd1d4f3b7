import Prometheus

/// The series of one container (one `ContainerLabels`), made on first use and kept so
/// that they can all be unregistered when the container is forgotten.
struct ContainerSeries {
    private let registry: PrometheusCollectorRegistry
    private let labels: [(String, String)]
    private var ends: [String: Counter] = [:]
    private var sigtermIgnored: Counter?
    private var stopDuration: ValueHistogram?
    private var oomKills: [Bool: Counter] = [:]
    private var zombies: Gauge?

    init(registry: PrometheusCollectorRegistry, labels: ContainerLabels) {
        self.registry = registry
        self.labels = labels.pairs
    }

    /// The series whose labels are known before anything happens, at 0: `increase()`
    /// over a counter born at 1 sees no increase, so the first ignored SIGTERM or OOM
    /// kill of a container would be missed.
    mutating func startAtZero() {
        sigtermIgnored = sigtermIgnored ?? registry.makeCounter(descriptor: MetricFamily.sigtermIgnored.descriptor, labels: labels)
        for pid1 in [true, false] { _ = oomKillCounter(pid1: pid1) }
        if zombies == nil { setZombies(0) }
    }

    mutating func count(_ end: GenerationEnd) {
        let o = end.outcome
        let key = o.how + "\u{0}" + o.cause.rawValue
        let counter = ends[key] ?? registry.makeCounter(
            descriptor: MetricFamily.generationEnds.descriptor,
            labels: labels + [("how", o.how), ("cause", o.cause.rawValue)])
        ends[key] = counter
        counter.increment()
        if o.sigtermIgnored {
            sigtermIgnored = sigtermIgnored ?? registry.makeCounter(descriptor: MetricFamily.sigtermIgnored.descriptor, labels: labels)
            sigtermIgnored?.increment()
        }
        if let ns = o.stopDelayNs, ns >= 0 {
            stopDuration = stopDuration ?? registry.makeValueHistogram(
                descriptor: MetricFamily.stopDuration.descriptor, labels: labels, buckets: MetricFamily.stopBuckets)
            stopDuration?.record(Double(ns) / 1e9)
        }
        for pid1 in end.oomVictimsWerePID1 { oomKillCounter(pid1: pid1).increment() }
        // The run is gone, and its zombies with its namespace.
        zombies?.set(to: 0)
    }

    private mutating func oomKillCounter(pid1: Bool) -> Counter {
        let counter = oomKills[pid1] ?? registry.makeCounter(
            descriptor: MetricFamily.oomKills.descriptor, labels: labels + [("pid1", pid1 ? "true" : "false")])
        oomKills[pid1] = counter
        return counter
    }

    mutating func setZombies(_ count: Int) {
        zombies = zombies ?? registry.makeGauge(descriptor: MetricFamily.unreapedZombies.descriptor, labels: labels)
        zombies?.set(to: Double(max(0, count)))
    }

    /// A gauge of a container that is gone would go on saying its last value.
    mutating func dropGauges() {
        if let zombies { registry.unregisterGauge(zombies) }
        zombies = nil
    }

    func unregisterAll() {
        for counter in ends.values { registry.unregisterCounter(counter) }
        for counter in oomKills.values { registry.unregisterCounter(counter) }
        if let sigtermIgnored { registry.unregisterCounter(sigtermIgnored) }
        if let stopDuration { registry.unregisterValueHistogram(stopDuration) }
        if let zombies { registry.unregisterGauge(zombies) }
    }
}
