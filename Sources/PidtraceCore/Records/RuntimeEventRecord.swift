/// What the container runtime said it did to a followed container (Docker's and
/// Podman's `/events`): started it (and whether its restart policy did), restarted,
/// killed or stopped it, saw it die; or, asked (no event says it), that it could not
/// start it, and why. The kernel's records say what happened; these say who asked for
/// it, which the kernel cannot tell apart (a `docker start` and a restart policy both
/// just start a process), and what the runtime saw that the kernel did not.
public struct RuntimeEventRecord: Sendable {
    /// When pidtrace received it (records stay in time order); `runtimeTimeNs` is the runtime's own.
    public var tsNs: UInt64
    public var container: ContainerAttribution
    /// `start`, `restart`, `kill`, `stop`, `die`.
    public var action: String
    /// Wall-clock ns since the epoch, as the runtime stamped it; nil for `start_failed`,
    /// which the runtime does not stamp.
    public var runtimeTimeNs: Int64?
    /// `start`: the runtime's restart count then. Docker counts the restarts its policy
    /// made and sets the count to 0 on a `start` request, so a count above 0 says the
    /// policy started this run.
    public var restartCount: Int?
    /// `kill`: the signal sent.
    public var signal: Int32?
    /// `die`, `start_failed`: the exit status the runtime reports (128 + N for a signal).
    public var exitCode: Int?
    /// `start_failed`: the runtime's own words for why (Docker's `State.Error`).
    public var error: String?

    /// The actions of the runtime's event stream that are recorded: the ones that start
    /// or end a run.
    public static let actions: Set<String> = ["start", "restart", "kill", "stop", "die"]
    /// Not an event of the stream: the runtime's answer when asked about a run whose init
    /// exited without exec'ing anything (`StartError`).
    public static let startFailed = "start_failed"

    public init(tsNs: UInt64, container: ContainerAttribution, action: String, runtimeTimeNs: Int64?,
                restartCount: Int? = nil, signal: Int32? = nil, exitCode: Int? = nil, error: String? = nil) {
        self.tsNs = tsNs
        self.container = container
        self.action = action
        self.runtimeTimeNs = runtimeTimeNs
        self.restartCount = restartCount
        self.signal = signal
        self.exitCode = exitCode
        self.error = error
    }
}
