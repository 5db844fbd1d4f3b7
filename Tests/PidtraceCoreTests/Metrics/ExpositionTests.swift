import Synchronization
import Testing
@testable import PidtraceCore

/// The text itself: escaping, the order of families, HELP and TYPE, the health series.
@Suite struct ExpositionTests {
    typealias F = MetricsFixture

    private func ended(_ name: String, in metrics: AgentMetrics) {
        let outcome = TraceReport.Outcome(how: "exit", exitCode: 1, cause: .container, headline: "", sigtermIgnored: true,
                                          stopDelayNs: nil)
        metrics.restore([GenerationEnd(labels: ContainerLabels(container: name, runtime: "docker"), outcome: outcome,
                                       oomVictimsWerePID1: [])])
    }

    @Test func labelValuesAreEscaped() {
        let metrics = AgentMetrics(sampler: F.sampler)
        // A quote, a backslash, a line feed, a tab, an escape and non-ASCII: as the records may name a container.
        ended("we\"b\\1\nx\ty\u{1B}[31mü", in: metrics)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"pidtrace_sigterm_ignored_total{container="we\"b\\1\nx"# + "\ty\u{1B}[31mü" + #"",pod="",namespace="",runtime="docker"} 1"#))
        // One line per series: the line feed did not break it.
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("pidtrace_sigterm_ignored_total") }.count == 1)
    }

    @Test func everyFamilyShownHasItsHelpAndTypeFirst() throws {
        let metrics = try F.metrics(fedWith: ["restarts"])
        metrics.setUnreapedZombies(1, of: ContainerLabels(container: "web"))
        metrics.recordsWritten(kind: "exec", count: 2)
        metrics.setBPFSources(programStats: { [BPFProgramStats(program: "sched_process_exec", runTimeNs: 5, runCount: 1)] },
                              watchedNamespaces: { 3 })
        let lines = F.lines(metrics)
        for family in MetricFamily.all {
            let help = try #require(lines.firstIndex(of: "# HELP \(family.name) \(family.help)"), "\(family.name)")
            #expect(lines[help + 1] == "# TYPE \(family.name) \(family.type)")
            let samples = lines[(help + 2)...].prefix { !$0.hasPrefix("#") }
            #expect(!samples.isEmpty)
            for sample in samples {
                #expect(sample.hasPrefix(family.name), "\(sample) under \(family.name)")
                // Its labels, in the family's order (le: a histogram's own).
                let names = sample.split(separator: "{").dropFirst().first.map { labels in
                    labels.split(separator: "\",").map { String($0.prefix { $0 != "=" }) }.filter { $0 != "le" }
                } ?? []
                #expect(names == family.labels, "\(sample)")
            }
        }
    }

    @Test func familiesComeInNameOrder() throws {
        let metrics = try F.metrics(fedWith: ["restarts", "policy-loop-then-start"])
        let names = F.lines(metrics).filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) }
        #expect(names == ["pidtrace_bpf_stats_enabled", "pidtrace_containers_followed", "pidtrace_generation_ends_total",
                          "pidtrace_history_write_failures_total", "pidtrace_lost_events_total", "pidtrace_oom_kills_total", "pidtrace_resident_memory_bytes",
                          "pidtrace_sigterm_ignored_total", "pidtrace_stop_duration_seconds", "pidtrace_watched_pid_namespaces"])
        #expect(ExpositionOrder.sortedByFamily(Array("# HELP b_x B.\n# TYPE b_x gauge\nb_x 1\n# TYPE a gauge\na 2\n".utf8))
            == Array("# TYPE a gauge\na 2\n# HELP b_x B.\n# TYPE b_x gauge\nb_x 1\n".utf8))
    }

    @Test func theAgentsHealth() {
        let metrics = AgentMetrics(sampler: MetricsSampler(residentBytes: { 31_457_280 }, bpfStatsEnabled: { true }))
        metrics.recordsWritten(kind: "exec", count: 5)
        metrics.recordsWritten(kind: "exec", count: 2)
        metrics.recordsWritten(kind: "fork", count: 1)
        metrics.recordsWritten(kind: "exit", count: 0)
        metrics.eventsLost(910)
        metrics.eventsLost(-1)
        metrics.setContainersFollowed(12)
        metrics.historyWriteFailed(2)
        metrics.historyWriteFailed(0)
        metrics.setBPFSources(programStats: { [] }, watchedNamespaces: { 14 })
        // The series of one family come in the registry's order: compared as a set.
        #expect(Set(F.lines(metrics).filter { !$0.hasPrefix("#") }) == [
            "pidtrace_bpf_stats_enabled 1.0",
            "pidtrace_containers_followed 12.0",
            "pidtrace_history_write_failures_total 2",
            "pidtrace_lost_events_total 910",
            "pidtrace_records_total{kind=\"exec\"} 7",
            "pidtrace_records_total{kind=\"fork\"} 1",
            "pidtrace_resident_memory_bytes 31457280.0",
            "pidtrace_watched_pid_namespaces 14.0",
        ])
    }

    @Test func bpfRunTimeIsCountedFromTheKernelsTotals() {
        let metrics = AgentMetrics(sampler: F.sampler)
        let readings = Mutex([
            [BPFProgramStats(program: "sched_process_exec", runTimeNs: 1_500_000_000, runCount: 1000),
             BPFProgramStats(program: "sched_process_fork", runTimeNs: 0, runCount: 0)],
            [BPFProgramStats(program: "sched_process_exec", runTimeNs: 2_000_000_000, runCount: 1500),
             BPFProgramStats(program: "sched_process_fork", runTimeNs: 250_000_000, runCount: 10)],
            // Loaded anew (its totals start again from 0): what it counted since is added.
            [BPFProgramStats(program: "sched_process_exec", runTimeNs: 500_000_000, runCount: 100),
             BPFProgramStats(program: "sched_process_fork", runTimeNs: 250_000_000, runCount: 10)],
        ])
        metrics.setBPFSources(programStats: { readings.withLock { $0.removeFirst() } }, watchedNamespaces: { 0 })
        func samples() -> Set<String> { Set(F.lines(metrics).filter { $0.hasPrefix("pidtrace_bpf_run") }) }
        #expect(samples() == ["pidtrace_bpf_run_seconds_total{program=\"sched_process_exec\"} 1.5",
                              "pidtrace_bpf_runs_total{program=\"sched_process_exec\"} 1000",
                              "pidtrace_bpf_run_seconds_total{program=\"sched_process_fork\"} 0",
                              "pidtrace_bpf_runs_total{program=\"sched_process_fork\"} 0"])
        _ = F.lines(metrics)
        #expect(samples() == ["pidtrace_bpf_run_seconds_total{program=\"sched_process_exec\"} 2.5",
                              "pidtrace_bpf_runs_total{program=\"sched_process_exec\"} 1600",
                              "pidtrace_bpf_run_seconds_total{program=\"sched_process_fork\"} 0.25",
                              "pidtrace_bpf_runs_total{program=\"sched_process_fork\"} 10"])
    }

    @Test func residentMemoryFromStatm() {
        #expect(ResidentMemory.bytes(statm: "52311 8123 3001 1200 0 9000 0\n", pageSize: 4096) == 8123 * 4096)
        #expect(ResidentMemory.bytes(statm: "", pageSize: 4096) == nil)
        #expect(ResidentMemory.bytes(statm: "1 x", pageSize: 4096) == nil)
        #expect(ResidentMemory.bytes(statm: "1 \(Int.max)", pageSize: 4096) == nil)
        #expect((ResidentMemory.bytes() ?? 0) > 1 << 20, "this test process's own RSS")
    }
}
