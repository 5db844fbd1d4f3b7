import CLibbpf
import Foundation
import Glibc
import PidtraceCore
import Testing

/// The BPF programs' run-time statistics as the agent's metrics read them, from the
/// real programs on this kernel, counted while a BPF_ENABLE_STATS descriptor is held
/// (as `make bench` does: the sysctl is the host's, not a test's, to flip).
@Suite(.serialized, .requires(.root))
struct BPFProgramStatsTests {
    @Test func theProgramsRunTimeAndRunsReachTheMetrics() throws {
        var config = TracerConfig()
        config.ringBytes = 1 << 16
        let tracer = try BPFTracer(config: config)
        let stats = bpf_enable_stats(BPF_STATS_RUN_TIME)
        try #require(stats >= 0, "BPF_ENABLE_STATS: \(String(cString: strerror(-stats)))")
        defer { close(stats) }
        try tracer.attach()
        defer { tracer.detach() }
        for _ in 0..<20 { #expect(try Workload("exec /bin/true").wait() == 0) }

        // Each process's release (sched_process_free) comes after an RCU grace period.
        let hooks = ["sched_process_fork", "sched_process_exec", "sched_process_exit", "sched_process_free"]
        func program(_ hook: String) -> BPFProgramStats? { tracer.programStats().first { $0.program.hasPrefix(hook) } }
        try? waitUntil(timeout: 10, "20 runs of each program") { hooks.allSatisfy { (program($0)?.runCount ?? 0) >= 20 } }
        let programs = tracer.programStats()
        #expect(!programs.contains { $0.program.hasPrefix("handle_") })
        for hook in hooks {
            #expect((program(hook)?.runCount ?? 0) >= 20 && (program(hook)?.runTimeNs ?? 0) > 0, "\(hook): \(programs)")
        }

        let metrics = AgentMetrics()
        metrics.setBPFSources(programStats: { tracer.programStats() }, watchedNamespaces: { tracer.watchedNamespaceCount() })
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let exec = try #require(programs.first { $0.program.hasPrefix("sched_process_exec") })
        let runs = try #require(text.split(separator: "\n").first { $0.hasPrefix("pidtrace_bpf_runs_total{program=\"\(exec.program)\"}") })
        #expect((Int(runs.split(separator: " ").last ?? "") ?? 0) >= Int(exec.runCount), "\(runs)")
        #expect(text.contains("pidtrace_bpf_run_seconds_total{program=\"\(exec.program)\"} "))
    }
}
