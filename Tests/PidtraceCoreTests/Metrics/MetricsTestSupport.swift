@testable import PidtraceCore

/// Metrics fed from recordings, read back as lines of their exposition.
enum MetricsFixture {
    /// Nothing read from the host: the sampled series have fixed values.
    static let sampler = MetricsSampler(residentBytes: { 25 << 20 }, bpfStatsEnabled: { false })

    /// Every ended generation of these recordings, in file order.
    static func ends(_ names: [String]) throws -> [GenerationEnd] {
        try names.flatMap { try ReportFixture.report($0).generations.compactMap(GenerationEnd.init) }
    }

    static func metrics(fedWith names: [String], keepRemoved: Int = 1024) throws -> AgentMetrics {
        let metrics = AgentMetrics(sampler: sampler, keepRemoved: keepRemoved)
        for name in names {
            for generation in try ReportFixture.report(name).generations { metrics.generationEnded(generation) }
        }
        return metrics
    }

    static func lines(_ metrics: AgentMetrics) -> [String] {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// `{container="web",pod="",namespace="",runtime=""`: the labels a series starts with.
    static func labels(_ container: String, pod: String = "", namespace: String = "", runtime: String = "") -> String {
        #"{container="\#(container)",pod="\#(pod)",namespace="\#(namespace)",runtime="\#(runtime)""#
    }
}
