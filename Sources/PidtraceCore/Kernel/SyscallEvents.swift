import CPidtrace
import Glibc

/// The execve/execveat syscall tracepoints that record failed execs (`exec_failed`):
/// tracefs events, which libbpf attaches through the tracefs it finds
/// (/sys/kernel/debug/tracing when debugfs is mounted, else /sys/kernel/tracing).
/// Where tracefs is not mounted, it is mounted at /sys/kernel/tracing, as tracing
/// tools do; where the events still are not there, failed execs are unavailable.
public enum SyscallEvents {
    public static let events = ["sys_enter_execve", "sys_exit_execve", "sys_enter_execveat", "sys_exit_execveat"]
    static let tracefs = "/sys/kernel/tracing"
    static let debugfsTracing = "/sys/kernel/debug/tracing"

    /// nil when the four events can be attached, else why not. May mount tracefs.
    public static func probe(mount: Bool = true) -> String? {
        // libbpf's own choice (use_debugfs() in libbpf.c).
        let root = access(debugfsTracing, F_OK) == 0 ? debugfsTracing : tracefs
        if missing(in: root) == nil { return nil }
        if root == tracefs && mount && access("\(tracefs)/events", F_OK) != 0 {
            let rc = pt_mount_tracefs(tracefs)
            if rc < 0 {
                return "tracefs is not mounted and mounting it at \(tracefs) failed (\(String(cString: strerror(-rc)))): "
                    + "failed execs are seen only through its syscall tracepoints"
            }
        }
        if access("\(root)/events", F_OK) != 0 {
            return "tracefs is not mounted at \(root): failed execs are seen only through its syscall tracepoints"
        }
        if let event = missing(in: root) {
            return "the kernel has no syscalls/\(event) tracepoint in tracefs (CONFIG_FTRACE_SYSCALLS is off)"
        }
        return nil
    }

    /// The first of the events whose id tracefs at `root` does not give.
    static func missing(in root: String) -> String? {
        events.first { access("\(root)/events/syscalls/\($0)/id", R_OK) != 0 }
    }
}
