import CLibbpf
import CPidtrace
import Glibc

/// How the running kernel passes a tracepoint's arguments, from its BTF.
public struct TracepointShape: Sendable, Equatable {
    /// Whether each argument is a pointer, in order.
    public var pointerArgs: [Bool]

    public init(pointerArgs: [Bool]) { self.pointerArgs = pointerArgs }

    public var arity: Int { pointerArgs.count }
}

/// Which BPF program variants this kernel takes, and what it cannot record and why.
/// Decided from the kernel's BTF before load, so a kernel that lacks a hook costs
/// that feature only (README.md, "Kernels").
public struct KernelSupport: Sendable, Equatable {
    /// The programs that record each kind on this kernel.
    public private(set) var programs: [EventKind: [pt_program]] = [:]
    /// Kinds this kernel cannot record, with the reason and the first kernel that can.
    public var unavailable: [EventKind: String] = [:]

    /// The oldest kernel pidtrace is booted on in CI (`make test-kernels`).
    public static let oldestTested = "5.10"
    public static let testedKernels = "5.10, 6.1, 6.12 and 6.18"

    /// From the tracepoints' shapes (name → shape; a missing name is a missing tracepoint).
    /// `rdonlyCast`: the kernel has the kfunc bpf_rdonly_cast (6.2+), and the hot
    /// handlers load in their variant that reads the task through it (a fraction of
    /// the verifier's work at load: bpf/pidtrace.bpf.c).
    /// `syscallEventsMissing`: why the execve/execveat syscall tracepoints cannot be
    /// attached (`SyscallEvents.probe()`), nil when they can.
    /// `taskPtRegs`: the kernel has the helper bpf_task_pt_regs (5.15+), and failed execs
    /// are recorded by the syscalls' exits alone (no enter program, no map: an exec costs
    /// a compare instead of a map insert and delete).
    public init(tracepoints: [String: TracepointShape], rdonlyCast: Bool = false, syscallEventsMissing: String? = nil,
                taskPtRegs: Bool = false) {
        func variant(_ program: pt_program) -> pt_program {
            guard rdonlyCast else { return program }
            switch program {
            case PT_PROG_FORK: return PT_PROG_FORK_CAST
            case PT_PROG_EXEC: return PT_PROG_EXEC_CAST
            case PT_PROG_EXIT: return PT_PROG_EXIT_CAST
            case PT_PROG_EXIT_GROUP_DEAD: return PT_PROG_EXIT_GROUP_DEAD_CAST
            case PT_PROG_SIGNAL: return PT_PROG_SIGNAL_CAST
            case PT_PROG_FREE: return PT_PROG_FREE_CAST
            default: return program
            }
        }
        func need(_ kind: EventKind, _ name: String, args: Int, _ program: pt_program) {
            if let shape = tracepoints[name], shape.arity >= args {
                programs[kind] = [variant(program)]
            } else {
                unavailable[kind] = Self.missing(name)
            }
        }
        need(.fork, "sched_process_fork", args: 2, PT_PROG_FORK)
        need(.exec, "sched_process_exec", args: 3, PT_PROG_EXEC)
        switch tracepoints["sched_process_exit"]?.arity {
        case let n? where n >= 2: programs[.exit] = [variant(PT_PROG_EXIT_GROUP_DEAD)]
        case 1?: programs[.exit] = [variant(PT_PROG_EXIT)]
        default: unavailable[.exit] = Self.missing("sched_process_exit")
        }
        need(.signal, "signal_generate", args: 5, PT_PROG_SIGNAL)
        switch tracepoints["mark_victim"]?.pointerArgs.first {
        case true?:
            programs[.oomKill] = [PT_PROG_OOM]
        case false?:
            // 5.10: the victim's PID only; its task comes from the OOM killer's SIGKILL.
            if (tracepoints["signal_generate"]?.arity ?? 0) >= 3 {
                programs[.oomKill] = [PT_PROG_OOM_PID, PT_PROG_OOM_SIGNAL]
            } else {
                unavailable[.oomKill] = "mark_victim passes only a PID here and signal_generate is missing (Linux \(Self.oldestTested) has it)"
            }
        case nil:
            unavailable[.oomKill] = Self.missing("mark_victim")
        }
        if let syscallEventsMissing {
            unavailable[.execFailed] = syscallEventsMissing
        } else {
            programs[.execFailed] = taskPtRegs
                ? [PT_PROG_EXECVE_EXIT_REGS, PT_PROG_EXECVEAT_EXIT_REGS]
                : [PT_PROG_EXECVE_ENTER, PT_PROG_EXECVE_EXIT, PT_PROG_EXECVEAT_ENTER, PT_PROG_EXECVEAT_EXIT]
        }
        // A reap is reported only for a process whose exit was recorded.
        if programs[.exit] == nil {
            unavailable[.reap] = "needs the exit of the process, which this kernel cannot report"
        } else {
            need(.reap, "sched_process_free", args: 1, PT_PROG_FREE)
        }
    }

    static func missing(_ tracepoint: String) -> String {
        "the kernel has no BTF-typed \(tracepoint) tracepoint (Linux \(oldestTested) has it)"
    }

    /// The tracepoints pidtrace can use, as BTF names their typedefs.
    public static let tracepointNames = [
        "sched_process_fork", "sched_process_exec", "sched_process_exit", "sched_process_free",
        "signal_generate", "mark_victim",
    ]

    /// Reads the running kernel's BTF (or the file at `btfPath`), and looks for the
    /// syscall tracepoints in tracefs (mounting it where it is not).
    public static func probe(btfPath: String? = nil) throws(BPFError) -> KernelSupport {
        let btf: OpaquePointer?
        if let btfPath { btf = btf__parse(btfPath, nil) } else { btf = btf__load_vmlinux_btf() }
        guard let btf else {
            throw BPFError(operation: "read the kernel's BTF", errno: errno == 0 ? ENOENT : errno)
        }
        defer { btf__free(btf) }
        var shapes: [String: TracepointShape] = [:]
        for name in tracepointNames {
            let arity = pt_tracepoint_arity(btf, name)
            guard arity >= 0 else { continue }
            shapes[name] = TracepointShape(pointerArgs: (0..<arity).map { pt_tracepoint_arg_is_pointer(btf, name, $0) == 1 })
        }
        return KernelSupport(tracepoints: shapes,
                             rdonlyCast: pt_btf_has_function(btf, "bpf_rdonly_cast") == 1,
                             syscallEventsMissing: SyscallEvents.probe(),
                             taskPtRegs: pt_btf_has_function(btf, "bpf_task_pt_regs") == 1)
    }

    /// The programs to load for `kinds`. Fork and exit always: the fork program
    /// reports new PID namespaces (container restarts), the exit program fills the
    /// zombie table, and each records only the kinds asked for.
    public func programs(for kinds: Set<EventKind>) -> [EventKind: [pt_program]] {
        programs.filter { kinds.contains($0.key) || $0.key == .fork || $0.key == .exit }
    }
}

extension pt_program: @retroactive Hashable, @unchecked @retroactive Sendable {}
