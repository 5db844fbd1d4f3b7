/// What is read from the host when Prometheus scrapes; a test gives fixed values.
public struct MetricsSampler: Sendable {
    public var residentBytes: @Sendable () -> Int?
    public var bpfStatsEnabled: @Sendable () -> Bool?

    public init(residentBytes: @escaping @Sendable () -> Int?, bpfStatsEnabled: @escaping @Sendable () -> Bool?) {
        self.residentBytes = residentBytes
        self.bpfStatsEnabled = bpfStatsEnabled
    }

    /// This process's RSS; `kernel.bpf_stats_enabled` from /proc/sys.
    public static let system = MetricsSampler(
        residentBytes: { ResidentMemory.bytes() },
        bpfStatsEnabled: {
            ProcReader().readText("/proc/sys/kernel/bpf_stats_enabled").map { $0.hasPrefix("1") }
        })
}
