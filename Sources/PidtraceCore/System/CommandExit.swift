/// Every status a pidtrace command exits with, sysexits-style, each defined here once
/// with its meaning: the errors say which one they are, `pidtrace --help` and the man
/// pages print the table (PidtraceCLI), and a test holds README's table to it. Another
/// status is a case here and a meaning below; the compiler asks for the second.
public enum CommandExit: Int32, CaseIterable, Sendable {
    case success = 0
    case usage = 64            // EX_USAGE
    case dataError = 65        // EX_DATAERR
    case noInput = 66          // EX_NOINPUT
    case noHost = 68           // EX_NOHOST
    case unavailable = 69      // EX_UNAVAILABLE
    case software = 70         // EX_SOFTWARE
    case osError = 71          // EX_OSERR
    case cannotCreate = 73     // EX_CANTCREAT
    case ioError = 74          // EX_IOERR
    case temporaryFailure = 75 // EX_TEMPFAIL
    case protocolError = 76    // EX_PROTOCOL
    case noPermission = 77     // EX_NOPERM
    case configuration = 78    // EX_CONFIG
    case outputExists = 79     // pidtrace's own: refused to clobber a file
    case addressInUse = 80     // pidtrace's own: the metrics address is taken
    case interrupted = 130     // as a shell reports SIGINT: 128 + 2

    public var meaning: String {
        switch self {
        case .success: "traced and stopped cleanly (signal, `--duration`, or the reader closed the pipe)"
        case .usage: "bad arguments (usage printed)"
        case .dataError: "`summary`/`tree`: nothing readable in the file; an ID prefix matching several containers; a pod name in several namespaces; `why`: a name that fits several containers; a damaged history database"
        case .noInput: "`--pid`/`--pidns` names no live process or namespace; `summary`/`tree` cannot read the file; `history`/`why`: no history in the state directory, or one this user may not read"
        case .noHost: "no such container or pod (the message lists the running ones or the pods; the trace suggests `--wait`); `history`/`why`: none in the history, or no such generation (the message lists the containers it knows)"
        case .unavailable: "no BTF; Docker API unreachable for a name; no containerd/CRI-O state for `--pod`; `check` found a failing requirement"
        case .software: "BPF load/attach failed for another reason"
        case .osError: "`agent`: `--metrics-address` cannot be listened on for another reason (an address that is not this host's)"
        case .cannotCreate: "output file cannot be created; the state directory cannot be written"
        case .ioError: "writing the output failed mid-trace; the history database could not be written (disk full) or read"
        case .temporaryFailure: "container exists but is not running (use `--wait`); another agent holds the state directory"
        case .protocolError: "the Docker API answered with an error or garbage"
        case .noPermission: "missing privilege (CAP_BPF/CAP_PERFMON; CAP_SYS_PTRACE for containers' namespaces), or permission denied on the Docker socket"
        case .configuration: "`DOCKER_HOST`/`--docker-host` is not a unix socket"
        case .outputExists: "output file exists (use `--append` or `--force`)"
        case .addressInUse: "`agent`: `--metrics-address` is in use (another pidtrace agent, or another program, listens there)"
        case .interrupted: "a second SIGINT: exited at once, without draining or a `stop` record"
        }
    }
}
