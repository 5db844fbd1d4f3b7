import CPidtrace
import Testing
import PidtraceCore

/// Program variants and reasons, from tracepoint shapes as the booted kernels' BTF
/// has them (checked with `bpftool btf dump` on Debian's 5.10, 6.1 and 6.12 and on 6.18).
@Suite("Kernel support: programs chosen from the kernel's BTF")
struct KernelSupportTests {
    static func shapes(exit: [Bool], markVictim: [Bool]?) -> [String: TracepointShape] {
        var s: [String: TracepointShape] = [
            "sched_process_fork": .init(pointerArgs: [true, true]),
            "sched_process_exec": .init(pointerArgs: [true, false, true]),
            "sched_process_exit": .init(pointerArgs: exit),
            "sched_process_free": .init(pointerArgs: [true]),
            "signal_generate": .init(pointerArgs: [false, true, true, false, false]),
        ]
        if let markVictim { s["mark_victim"] = .init(pointerArgs: markVictim) }
        return s
    }

    @Test func failedExecsNeedTheSyscallTracepoints() {
        let shapes = Self.shapes(exit: [true, false], markVictim: [true, false])
        let with = KernelSupport(tracepoints: shapes)
        #expect(with.programs(for: [.execFailed])[.execFailed]
            == [PT_PROG_EXECVE_ENTER, PT_PROG_EXECVE_EXIT, PT_PROG_EXECVEAT_ENTER, PT_PROG_EXECVEAT_EXIT])
        #expect(with.programs(for: [.exec])[.execFailed] == nil, "loaded only when asked for")
        // 5.15+: the exits alone read a failed call's arguments from its registers.
        let regs = KernelSupport(tracepoints: shapes, taskPtRegs: true)
        #expect(regs.programs(for: [.execFailed])[.execFailed] == [PT_PROG_EXECVE_EXIT_REGS, PT_PROG_EXECVEAT_EXIT_REGS])
        let without = KernelSupport(tracepoints: shapes, syscallEventsMissing: "tracefs is not mounted")
        #expect(without.unavailable == [.execFailed: "tracefs is not mounted"])
        #expect(without.programs(for: Set(EventKind.allCases))[.execFailed] == nil)
    }

    @Test func linux510TakesTheVictimByPIDAndClaimsExits() {
        let k = KernelSupport(tracepoints: Self.shapes(exit: [true], markVictim: [false]))
        #expect(k.unavailable.isEmpty)
        let p = k.programs(for: Set(EventKind.allCases))
        #expect(p[.exit] == [PT_PROG_EXIT])
        #expect(p[.oomKill] == [PT_PROG_OOM_PID, PT_PROG_OOM_SIGNAL])
    }

    @Test func newerKernelsPassTheTaskAndGroupDead() {
        let k = KernelSupport(tracepoints: Self.shapes(exit: [true, false], markVictim: [true, false]))
        #expect(k.unavailable.isEmpty)
        let p = k.programs(for: Set(EventKind.allCases))
        #expect(p[.exit] == [PT_PROG_EXIT_GROUP_DEAD])
        #expect(p[.oomKill] == [PT_PROG_OOM])
        #expect(p[.signal] == [PT_PROG_SIGNAL])
        #expect(p[.reap] == [PT_PROG_FREE])
    }

    @Test func kernelsWithRdonlyCastLoadTheCastVariants() {
        let k = KernelSupport(tracepoints: Self.shapes(exit: [true, false], markVictim: [true, false]), rdonlyCast: true)
        let p = k.programs(for: Set(EventKind.allCases))
        #expect(p[.fork] == [PT_PROG_FORK_CAST])
        #expect(p[.exec] == [PT_PROG_EXEC_CAST])
        #expect(p[.exit] == [PT_PROG_EXIT_GROUP_DEAD_CAST])
        #expect(p[.signal] == [PT_PROG_SIGNAL_CAST])
        #expect(p[.reap] == [PT_PROG_FREE_CAST])
        #expect(p[.oomKill] == [PT_PROG_OOM])
        let claim = KernelSupport(tracepoints: Self.shapes(exit: [true], markVictim: [true]), rdonlyCast: true)
        #expect(claim.programs(for: [.exit])[.exit] == [PT_PROG_EXIT_CAST])
    }

    @Test func aMissingHookCostsItsFeatureOnlyAndSaysWhy() {
        var shapes = Self.shapes(exit: [true], markVictim: nil)
        shapes["sched_process_free"] = nil
        let k = KernelSupport(tracepoints: shapes)
        #expect(Set(k.unavailable.keys) == [.oomKill, .reap])
        #expect(k.unavailable[.oomKill]?.contains("mark_victim") == true)
        #expect(k.unavailable[.oomKill]?.contains("Linux 5.10") == true)
        #expect(k.programs(for: Set(EventKind.allCases))[.exec] == [PT_PROG_EXEC])
    }

    @Test func reapNeedsTheExitProgram() {
        var shapes = Self.shapes(exit: [true], markVictim: [true])
        shapes["sched_process_exit"] = nil
        let k = KernelSupport(tracepoints: shapes)
        #expect(Set(k.unavailable.keys) == [.exit, .reap])
    }

    @Test func onlyExecAskedForLoadsNoSignalOrOOMProgram() {
        let k = KernelSupport(tracepoints: Self.shapes(exit: [true], markVictim: [false]))
        #expect(Set(k.programs(for: [.exec]).keys) == [.exec, .fork, .exit])
    }

    @Test func thisHostsBTFHasEveryHook() throws {
        let k = try KernelSupport.probe(btfPath: "/sys/kernel/btf/vmlinux")
        #expect(k.unavailable.isEmpty, "\(k.unavailable)")
        #expect(k.programs(for: Set(EventKind.allCases)).count == EventKind.allCases.count)
        #expect(k.programs(for: [.fork])[.fork] == [PT_PROG_FORK_CAST], "this kernel (6.18) has bpf_rdonly_cast")
    }
}
