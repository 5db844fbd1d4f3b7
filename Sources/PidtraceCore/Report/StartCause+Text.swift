extension TraceReport.StartCause {
    /// The summary's "started by:" line.
    var text: String {
        switch self {
        case let .restartPolicy(count): "the container's restart policy (restart \(count))"
        case .startRequest: "a start request to the runtime (`docker run` or `docker start`), not its restart policy"
        case .restartRequest: "a restart request to the runtime (`docker restart`), not its restart policy"
        }
    }

    /// `started_by` in `summary --json`.
    var name: String {
        switch self {
        case .restartPolicy: "restart_policy"
        case .startRequest: "start_request"
        case .restartRequest: "restart_request"
        }
    }
}
