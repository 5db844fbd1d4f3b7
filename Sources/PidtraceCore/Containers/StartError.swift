import Glibc

/// What the runtime says when it could not start a container: Docker keeps the OCI
/// runtime's error in the container's `State.Error` and reports exit 127 or 126, state
/// "created". No event carries it (Docker sends `create`, then nothing: no `start`, no
/// `die`), so it is asked for once the kernel side saw the run's init exit without
/// exec'ing anything (runc checks the entrypoint before its exec: a missing file or one
/// without the execute bit fails there, before any `execve`).
public struct StartError: Sendable, Equatable {
    /// The runtime's message, as it gave it (at most `maxBytes`).
    public var message: String
    /// The exit status the runtime reports for the container (`State.ExitCode`).
    public var exitCode: Int?

    /// A bound on what a record carries of the daemon's text (runc's messages are ~200 bytes).
    static let maxBytes = 4096

    init(message: String, exitCode: Int?) {
        var text = message
        while text.utf8.count > Self.maxBytes { text.removeLast() }
        self.message = text
        self.exitCode = exitCode
    }
}

extension DockerAPI {
    /// The runtime's error for the start of container `id` whose init (host PID
    /// `initHostPID`) exited: nil when it has none, as for a start that succeeded and an
    /// exec of the entrypoint that failed after it (the runtime then reports a `start`
    /// and a `die`, and runc writes the reason to the container's output), or for a
    /// container already removed (`docker run --rm`). Docker sets the error once its
    /// start request has failed, a few ms after that init's exit: asked again every 50 ms
    /// while the container is still in that run (created, or running that init), up to
    /// `timeoutNs`.
    public func startError(ofContainer id: String, initHostPID: Int32, timeoutNs: UInt64) throws(ContainerError) -> StartError? {
        let deadline = BootClock.nowBootNs() + timeoutNs
        while true {
            guard let state = try inspect(id)?.state else { return nil }
            if let error = state.error, !error.isEmpty { return StartError(message: error, exitCode: state.exitCode) }
            let inThatRun = state.status == "created" || (state.running && (state.pid == initHostPID || state.pid == 0))
            guard inThatRun, BootClock.nowBootNs() < deadline else { return nil }
            usleep(50_000)
        }
    }
}
