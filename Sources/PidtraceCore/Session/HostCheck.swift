import CLibbpf
import CPidtrace
import Glibc

/// One requirement of `pidtrace check`: what was found, and the fix when it fails.
public struct CheckResult: Sendable, Equatable {
    public enum Status: String, Sendable { case ok = "OK", warn = "WARN", fail = "FAIL" }

    public var name: String
    public var status: Status
    public var detail: String
    public var fix: String?

    public init(_ name: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }
}

/// Checks, in order, what tracing needs on this host. FAIL means tracing will not
/// work; WARN means a feature (containers by name) will not.
public struct HostCheck {
    public var proc = ProcReader()
    public var btfPath = "/sys/kernel/btf/vmlinux"
    public var dockerHost: String?
    public var outputDirectory = "."

    /// The tracepoints pidtrace attaches to, as BTF names their typedefs.
    public static let tracepoints = KernelSupport.tracepointNames

    public init() {}

    public func run() -> [CheckResult] {
        var results = [kernel(), btf(), capabilities()]
        if results.allSatisfy({ $0.status != .fail }) {
            results.append(tracepointsPresent())
            results += features()
        }
        results.append(docker())
        results.append(outputWritable())
        return results
    }

    func kernel() -> CheckResult {
        let release = HostIdentity.current(proc: proc).kernelRelease
        guard let (major, minor) = Self.version(release) else {
            return CheckResult("kernel", .warn, "cannot read the version of \(release)")
        }
        // Ring buffers and CAP_BPF came with 5.8; 5.10 is the oldest booted in CI.
        if (major, minor) < (5, 8) {
            return CheckResult("kernel", .fail, "Linux \(release)", fix: "use Linux \(KernelSupport.oldestTested) or later")
        }
        if (major, minor) < (5, 10) {
            return CheckResult("kernel", .warn, "Linux \(release) is older than any kernel pidtrace is tested on",
                               fix: "use Linux \(KernelSupport.oldestTested) or later")
        }
        return CheckResult("kernel", .ok, "Linux \(release)")
    }

    static func version(_ release: String) -> (Int, Int)? {
        let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    func btf() -> CheckResult {
        access(btfPath, R_OK) == 0
            ? CheckResult("BTF", .ok, btfPath)
            : CheckResult("BTF", .fail, "\(btfPath) is missing", fix: "use a kernel built with CONFIG_DEBUG_INFO_BTF=y")
    }

    func capabilities() -> CheckResult {
        guard let caps = Capabilities(proc: proc) else {
            return CheckResult("capabilities", .warn, "cannot read CapEff")
        }
        let missing = caps.missingForTracing
        return missing.isEmpty
            ? CheckResult("capabilities", .ok, caps.has(Capabilities.sysAdmin) ? "CAP_SYS_ADMIN" : "CAP_BPF, CAP_PERFMON")
            : CheckResult("capabilities", .fail, "missing \(missing.joined(separator: ", "))", fix: "run as root (sudo)")
    }

    func tracepointsPresent() -> CheckResult {
        guard let btf = btf__load_vmlinux_btf() else {
            return CheckResult("tracepoints", .fail, "cannot load the kernel's BTF", fix: "check \(btfPath)")
        }
        defer { btf__free(btf) }
        let missing = Self.tracepoints.filter { pt_tracepoint_arity(btf, $0) < 0 }
        return missing.isEmpty
            ? CheckResult("tracepoints", .ok, Self.tracepoints.joined(separator: ", "))
            : CheckResult("tracepoints", .warn, "missing \(missing.joined(separator: ", ")) (see the features below)")
    }

    /// Loads and attaches the real programs, proves the round trip of fork, exec and
    /// exit, and says per feature whether this kernel has it and why not.
    func features() -> [CheckResult] {
        var config = TracerConfig()
        config.ringBytes = 1 << 20
        config.kinds = Set(EventKind.allCases) // those off by default too: check proves they load
        let tracer: BPFTracer
        do {
            tracer = try BPFTracer(config: config)
            try tracer.attach()
        } catch {
            return [CheckResult("BPF attach", .fail, error.description, fix: "run with --verbose for libbpf's log")]
        }
        defer { tracer.detach() }
        let unavailable = tracer.unavailable
        var results = [CheckResult("BPF attach", .ok,
                                   "loaded and attached the programs for \(EventKind.allCases.filter { unavailable[$0] == nil }.map(\.name).joined(separator: ", "))")]
        let core: [EventKind] = [.fork, .exec, .exit]
        var roundTrip: RoundTrip.Outcome?
        if let kind = core.first(where: { unavailable[$0] != nil }) {
            results.append(CheckResult("fork/exec/exit", .fail, "\(kind.name): \(unavailable[kind]!)",
                                       fix: "use Linux \(KernelSupport.oldestTested) or later with BTF"))
        } else {
            let outcome = RoundTrip().run(tracer: tracer)
            roundTrip = outcome
            if let problem = outcome.problem {
                results.append(CheckResult("fork/exec/exit", .fail, "round trip: \(problem)",
                                           fix: "run with --verbose and report it with `uname -r`"))
            } else {
                results.append(CheckResult("fork/exec/exit", .ok,
                                           "round trip: a child in a new PID namespace came back as fork, exec and exit with ns_pids \(outcome.nsPIDs.map(String.init).joined(separator: "/")) = NSpid:"))
            }
        }
        let hooks: [(EventKind, String)] = [(.signal, "signal_generate"), (.oomKill, "mark_victim"), (.reap, "sched_process_free"),
                                            (.execFailed, "syscalls/sys_enter_execve(at), sys_exit_execve(at)")]
        for (kind, hook) in hooks {
            if let reason = unavailable[kind] {
                results.append(CheckResult(kind.name, .warn, "unavailable: \(reason)"))
            } else if kind == .reap, roundTrip?.problem == nil, roundTrip?.reaped == false {
                results.append(CheckResult(kind.name, .warn, "loaded (\(hook)), but the round trip's child came back without its reap"))
            } else {
                results.append(CheckResult(kind.name, .ok, "available (\(hook))\(kind == .reap && roundTrip?.reaped == true ? ": the round trip's child came back reaped" : "")"))
            }
        }
        return results
    }

    func docker() -> CheckResult {
        do {
            let resolver = try ContainerResolver(dockerHost: dockerHost, proc: proc)
            let version = try resolver.api.api.version()
            return CheckResult("Docker API", .ok,
                               "\(resolver.api.api.socketPath): Engine \(version.version), API \(version.apiVersion)")
        } catch {
            return CheckResult("Docker API", .warn, error.description,
                               fix: "containers can still be given by ID (found through their cgroups), not by name")
        }
    }

    func outputWritable() -> CheckResult {
        access(outputDirectory, W_OK) == 0
            ? CheckResult("output directory", .ok, "\(outputDirectory) is writable")
            : CheckResult("output directory", .fail, "\(outputDirectory) is not writable",
                          fix: "choose another directory for -o")
    }
}
