import Glibc

/// Why a trace could not start or had to stop. Each case has its own exit status.
public enum TraceError: Error, CustomStringConvertible {
    case missingCapabilities([String])
    case noBTF(path: String)
    case noSuchProcess(Int32)
    case noSuchPIDNamespace(UInt32)
    case output(OutputError)
    case bpf(BPFError)
    case container(ContainerError)

    public var description: String {
        switch self {
        case let .missingCapabilities(caps):
            "tracing needs \(caps.joined(separator: " and ")) (or CAP_SYS_ADMIN): run pidtrace as root, e.g. with sudo"
        case let .noBTF(path):
            "this kernel has no BTF (\(path) is missing): use a kernel built with CONFIG_DEBUG_INFO_BTF=y"
        case let .noSuchProcess(pid):
            "no process with PID \(pid): give a running host PID to --pid"
        case let .noSuchPIDNamespace(inode):
            "no process lives in PID namespace \(inode): see `ls -l /proc/*/ns/pid` for live ones"
        case let .output(e): e.description
        case let .container(e): e.description + Self.waitHint(e)
        case let .bpf(e):
            e.errno == 1 || e.errno == 13
                ? "\(e.description): run pidtrace as root (CAP_BPF and CAP_PERFMON)"
                : e.description
        }
    }

    /// The trace can follow a container that is not there yet (`--wait`), which `ps`
    /// cannot: the hint belongs to this error, not to ContainerError. IDs get none, as
    /// --wait awaits names only.
    static func waitHint(_ e: ContainerError) -> String {
        guard case let .unknownContainer(ref, _) = e, !CgroupResolver.looksLikeID(ref) else { return "" }
        return " (to trace a container that does not exist yet, add --wait)"
    }

    /// One status per kind of failure.
    public var exitStatus: CommandExit {
        switch self {
        case .missingCapabilities: .noPermission
        case .noBTF: .unavailable
        case .noSuchProcess, .noSuchPIDNamespace: .noInput
        case .output(.exists): .outputExists
        case .output(.cannotOpen): .cannotCreate
        case .output: .ioError
        case let .bpf(e): e.errno == EPERM || e.errno == EACCES ? .noPermission : .software
        case let .container(e): e.exitStatus
        }
    }
}
