import Glibc

/// Why the metrics server could not start. The address in use has its own exit status:
/// it is most often a second agent on the node, which a supervisor should tell apart.
public enum MetricsServerError: Error, Equatable, CustomStringConvertible {
    case addressInUse(MetricsAddress)
    case cannotListen(MetricsAddress, operation: String, errno: Int32)
    case cannotStartThread(errno: Int32)

    public var description: String {
        switch self {
        case let .addressInUse(address):
            "cannot serve metrics on \(address): the address is in use (another pidtrace agent, or another program, "
                + "listens there); give another with --metrics-address, or none"
        case let .cannotListen(address, operation, e):
            "cannot serve metrics on \(address): \(operation) failed: \(String(cString: strerror(e)))"
        case let .cannotStartThread(e):
            "cannot start the metrics server's thread: \(String(cString: strerror(e)))"
        }
    }

    /// sysexits-style, as `TraceError.exitStatus`.
    public var exitStatus: CommandExit {
        switch self {
        case .addressInUse: .addressInUse
        case .cannotListen, .cannotStartThread: .osError
        }
    }
}
