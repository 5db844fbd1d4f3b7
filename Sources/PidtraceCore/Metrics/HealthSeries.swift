import Prometheus
import Synchronization

/// The agent's own health: records by kind, lost events, containers followed, and
/// what is read when Prometheus scrapes (RSS, the BPF programs' run time, the kernel
/// filter's size).
final class HealthSeries: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let sampler: MetricsSampler
    private let lost: Counter
    private let historyFailures: Counter
    private let followed: Gauge
    private let resident: Gauge
    private let statsEnabled: Gauge
    private let watched: Gauge
    private let records = Mutex<[String: Counter]>([:])
    private let bpf = Mutex<BPFSeries>(BPFSeries())

    private struct BPFSeries {
        var programStats: (@Sendable () -> [BPFProgramStats])?
        var watchedNamespaces: (@Sendable () -> Int)?
        var programs: [String: (seconds: Counter, runs: Counter, last: BPFProgramStats)] = [:]
    }

    init(registry: PrometheusCollectorRegistry, sampler: MetricsSampler) {
        self.registry = registry
        self.sampler = sampler
        lost = registry.makeCounter(descriptor: MetricFamily.lostEvents.descriptor)
        historyFailures = registry.makeCounter(descriptor: MetricFamily.historyFailures.descriptor)
        followed = registry.makeGauge(descriptor: MetricFamily.containersFollowed.descriptor)
        resident = registry.makeGauge(descriptor: MetricFamily.residentMemory.descriptor)
        statsEnabled = registry.makeGauge(descriptor: MetricFamily.bpfStatsEnabled.descriptor)
        watched = registry.makeGauge(descriptor: MetricFamily.watchedNamespaces.descriptor)
    }

    func recordsWritten(kind: String, count: Int) {
        guard count > 0 else { return }
        let counter = records.withLock { counters in
            if let counter = counters[kind] { return counter }
            let counter = registry.makeCounter(descriptor: MetricFamily.records.descriptor, labels: [("kind", kind)])
            counters[kind] = counter
            return counter
        }
        counter.increment(by: Int64(count))
    }

    func eventsLost(_ count: Int) {
        if count > 0 { lost.increment(by: Int64(count)) }
    }

    func historyWriteFailed(_ count: Int) {
        if count > 0 { historyFailures.increment(by: Int64(count)) }
    }

    func setContainersFollowed(_ count: Int) { followed.set(to: Double(max(0, count))) }

    func setBPFSources(programStats: @escaping @Sendable () -> [BPFProgramStats],
                       watchedNamespaces: @escaping @Sendable () -> Int) {
        bpf.withLock {
            $0.programStats = programStats
            $0.watchedNamespaces = watchedNamespaces
        }
    }

    /// Reads what is sampled at scrape time.
    func sample() {
        if let bytes = sampler.residentBytes() { resident.set(to: Double(bytes)) }
        if let enabled = sampler.bpfStatsEnabled() { statsEnabled.set(to: enabled ? 1 : 0) }
        bpf.withLock { state in
            if let count = state.watchedNamespaces?() { watched.set(to: Double(count)) }
            guard let source = state.programStats else { return }
            for stats in source() {
                let series = state.programs[stats.program] ?? (
                    registry.makeCounter(descriptor: MetricFamily.bpfRunSeconds.descriptor, labels: [("program", stats.program)]),
                    registry.makeCounter(descriptor: MetricFamily.bpfRuns.descriptor, labels: [("program", stats.program)]),
                    BPFProgramStats(program: stats.program, runTimeNs: 0, runCount: 0))
                // The kernel's totals only grow while the program lives: one below the last
                // reading is a program loaded anew, counting from 0.
                let ns = stats.runTimeNs >= series.last.runTimeNs ? stats.runTimeNs - series.last.runTimeNs : stats.runTimeNs
                let runs = stats.runCount >= series.last.runCount ? stats.runCount - series.last.runCount : stats.runCount
                if ns > 0 { series.seconds.increment(by: Double(ns) / 1e9) }
                if runs > 0 { series.runs.increment(by: Int64(clamping: runs)) }
                state.programs[stats.program] = (series.seconds, series.runs, stats)
            }
        }
    }
}
