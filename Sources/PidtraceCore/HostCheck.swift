import CLibbpf
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
    public static let tracepoints = [
        "sched_process_fork", "sched_process_exec", "sched_process_exit", "sched_process_free",
        "signal_generate", "mark_victim",
    ]

    public init() {}

    public func run() -> [CheckResult] {
        var results = [kernel(), btf(), capabilities()]
        if results.allSatisfy({ $0.status != .fail }) {
            results.append(tracepointsPresent())
            results.append(attachTest())
        }
        results.append(docker())
        results.append(outputWritable())
        return results
    }

    func kernel() -> CheckResult {
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let (major, minor) = Self.version(release) else {
            return CheckResult("kernel", .warn, "cannot read the version of \(release)")
        }
        // Ring buffers and CAP_BPF came with 5.8.
        if (major, minor) < (5, 8) {
            return CheckResult("kernel", .fail, "Linux \(release)", fix: "use Linux 5.8 or later")
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
        let missing = Self.tracepoints.filter {
            btf__find_by_name_kind(btf, "btf_trace_\($0)", UInt32(BTF_KIND_TYPEDEF)) < 0
        }
        return missing.isEmpty
            ? CheckResult("tracepoints", .ok, Self.tracepoints.joined(separator: ", "))
            : CheckResult("tracepoints", .fail, "missing \(missing.joined(separator: ", "))",
                          fix: "use a kernel that has these tracepoints (Linux 5.8+ with BTF)")
    }

    /// Loads and attaches the real programs, then detaches them. The filter is on
    /// with no namespace, so nothing is recorded meanwhile.
    func attachTest() -> CheckResult {
        var config = TracerConfig()
        config.filtered = true
        config.ringBytes = 1 << 16
        do {
            let tracer = try BPFTracer(config: config)
            try tracer.attach()
            tracer.detach()
            return CheckResult("BPF attach", .ok, "loaded, attached and detached the programs")
        } catch {
            return CheckResult("BPF attach", .fail, error.description, fix: "run with --verbose for libbpf's log")
        }
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
