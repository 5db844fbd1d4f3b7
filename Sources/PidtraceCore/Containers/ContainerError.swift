/// Why a container or pod could not be resolved or listed. Each kind has its exit
/// status (`exitStatus`; `CommandExit` says what each status means).
public enum ContainerError: Error, Equatable, CustomStringConvertible {
    case unknownContainer(String, running: [String])
    case ambiguousPrefix(String, matches: [String])
    case notRunning(String, id: String)
    /// A name was given but the API is unreachable: only IDs resolve from cgroups.
    case nameNeedsAPI(String, reason: HTTPClientError, socket: String)
    case api(HTTPClientError, socket: String)
    case apiStatus(Int, message: String, socket: String)
    case malformedReply(what: String, detail: String)
    case unsupportedDockerHost(String, source: String)
    /// No pod (or pod container) of that name; the pods the CRI runtimes have.
    case unknownPod(String, pods: [String])
    /// A pod name found in several namespaces, without --namespace.
    case ambiguousPod(String, namespaces: [String])
    /// No CRI runtime state in any of these directories.
    case noCRIRuntime(roots: [String])
    /// A container's init is alive but its /proc/PID/ns/pid cannot be read.
    case namespaceUnreadable(pid: Int32)

    public var description: String {
        switch self {
        case let .unknownContainer(ref, running):
            running.isEmpty
                ? "no container '\(ref)' (no containers are running)"
                : "no container '\(ref)'; running containers: \(running.joined(separator: ", "))"
        case let .ambiguousPrefix(ref, matches):
            "'\(ref)' matches several containers (\(matches.joined(separator: ", "))): give more of the ID or the name"
        case let .notRunning(ref, id):
            "container '\(ref)' (\(id.prefix(12))) is not running: start it first"
        case let .nameNeedsAPI(ref, reason, _):
            "cannot resolve the name '\(ref)': names need the container runtime API, which is unreachable (\(reason)); give the container ID or a unique ID prefix instead"
        case let .api(.permissionDenied(path), _):
            "permission denied on the Docker API socket \(path): run pidtrace as root or as a member of the docker group"
        case let .api(e, _):
            "cannot talk to the Docker API: \(e)"
        case let .apiStatus(status, message, socket):
            "the Docker API on \(socket) answered \(status): \(message)"
        case let .malformedReply(what, detail):
            "unreadable Docker API reply for \(what): \(detail)"
        case let .unsupportedDockerHost(url, source):
            "\(source) is '\(url)': pidtrace talks to Docker only through a unix socket (unix:///path)"
        case let .unknownPod(ref, pods):
            pods.isEmpty
                ? "no pod '\(ref)' (the container runtime has no pods)"
                : "no pod '\(ref)'; pods: \(pods.joined(separator: ", "))"
        case let .ambiguousPod(ref, namespaces):
            "pod '\(ref)' is in several namespaces (\(namespaces.joined(separator: ", "))): give --namespace"
        case let .namespaceUnreadable(pid):
            "cannot read /proc/\(pid)/ns/pid (a container's init): pidtrace needs CAP_SYS_PTRACE to see other processes' namespaces"
        case let .noCRIRuntime(roots):
            "no containerd or CRI-O state under \(roots.joined(separator: ", ")): give the runtime's state directory with --runtime-root"
        }
    }

    public var exitStatus: CommandExit {
        switch self {
        case .unknownContainer, .unknownPod: .noHost
        case .ambiguousPrefix, .ambiguousPod: .dataError
        case .notRunning: .temporaryFailure
        case .api(.permissionDenied, _), .namespaceUnreadable: .noPermission
        case .nameNeedsAPI, .api, .noCRIRuntime: .unavailable
        case .apiStatus, .malformedReply: .protocolError
        case .unsupportedDockerHost: .configuration
        }
    }

    /// The transport error when the API could not be reached at all (no socket,
    /// nobody listening): the case where the cgroup scan stands in for it.
    public var unreachableReason: HTTPClientError? {
        guard case let .api(e, _) = self else { return nil }
        switch e {
        case .socketMissing, .connectionRefused, .connectFailed, .pathTooLong, .timedOut(_, "connect"):
            return e
        default:
            return nil
        }
    }
}
