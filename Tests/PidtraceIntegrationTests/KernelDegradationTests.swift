import CPidtrace
import Foundation
import Glibc
import PidtraceCore
import Testing

/// The real BPF object loaded on this kernel as other kernels would have it: the
/// program variants and the per-feature degradation, chosen from the BTF shapes.
@Suite(.serialized, .requires(.root))
struct KernelDegradationTests {
    /// This kernel's tracepoints, with `change` applied (another kernel's shapes).
    static func shapes(_ change: (inout [String: TracepointShape]) -> Void) -> KernelSupport {
        var s: [String: TracepointShape] = [:]
        s["sched_process_fork"] = .init(pointerArgs: [true, true])
        s["sched_process_exec"] = .init(pointerArgs: [true, false, true])
        s["sched_process_exit"] = .init(pointerArgs: [true, false])
        s["sched_process_free"] = .init(pointerArgs: [true])
        s["signal_generate"] = .init(pointerArgs: [false, true, true, false, false])
        s["mark_victim"] = .init(pointerArgs: [true, false])
        change(&s)
        return KernelSupport(tracepoints: s)
    }

    @Test func aMissingHookCostsOnlyItsFeature() throws {
        var config = TracerConfig()
        config.ringBytes = 1 << 16
        let tracer = try BPFTracer(config: config, support: Self.shapes { $0["mark_victim"] = nil })
        try tracer.attach()
        tracer.detach()
        #expect(Set(tracer.unavailable.keys) == [.oomKill])
        #expect(tracer.unavailable[.oomKill]?.contains("mark_victim") == true)
    }

    @Test func execAloneDoesNotNeedTheOtherHooks() throws {
        var config = TracerConfig()
        config.ringBytes = 1 << 16
        config.kinds = [.exec]
        let support = Self.shapes { $0["mark_victim"] = nil; $0["signal_generate"] = nil; $0["sched_process_free"] = nil }
        let tracer = try BPFTracer(config: config, support: support)
        try tracer.attach()
        tracer.detach()
        #expect(tracer.unavailable.isEmpty, "kinds not asked for are not reported")
    }

    @Test func nothingAskedForAvailableFailsWithTheReason() throws {
        var config = TracerConfig()
        config.ringBytes = 1 << 16
        config.kinds = [.oomKill]
        #expect(throws: BPFError.self) {
            _ = try BPFTracer(config: config, support: Self.shapes { $0["mark_victim"] = nil })
        }
    }

    /// The claim path (kernels without group_dead, e.g. 5.10 to 6.12) on this kernel:
    /// 32 threads dying at once, 20 times, give one exit each.
    @Test func claimedExitsAreOncePerProcessUnderAThreadStorm() throws {
        var config = TracerConfig()
        config.kinds = [.exit]
        let tracer = try BPFTracer(config: config, support: Self.shapes {
            $0["sched_process_exit"] = .init(pointerArgs: [true])
        })
        var exits: [UInt32: Int] = [:]
        let reader = try tracer.makeReader { e in
            if e.kind == .exit { exits[e.hostPID, default: 0] += 1 }
        }
        try tracer.attach()
        var pids: [UInt32] = []
        for round in 0..<20 {
            let mode = round % 2 == 0 ? "exit_group" : "kill"
            let workload = try Workload("exec /usr/bin/python3 -c \"$1\" $2",
                                        arguments: [CoreTracerTests.stormScript, mode])
            _ = try workload.wait()
            pids.append(UInt32(workload.pid))
            try reader.drain()
        }
        let deadline = Date().addingTimeInterval(5)
        while pids.contains(where: { exits[$0] == nil }) && Date() < deadline { try reader.poll(timeoutMs: 100) }
        tracer.detach()
        try reader.drain()
        for pid in pids { #expect(exits[pid] == 1, "\(exits[pid] ?? 0) exits of \(pid)") }
    }
}
