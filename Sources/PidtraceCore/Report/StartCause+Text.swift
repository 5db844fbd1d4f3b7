extension TraceReport.StartCause {
    /// The summary's "started by:" line, in the runtime's own commands.
    func text(_ advice: RuntimeAdvice) -> String {
        switch self {
        case let .restartPolicy(count): "the container's restart policy (restart \(count))"
        case .startRequest: "a start request to the runtime (\(advice.startRequests)), not its restart policy"
        case .restartRequest: "a restart request to the runtime (\(advice.restartRequest)), not its restart policy"
        case .recreatedInPod:
            "a new container of the same name in its pod, created through the CRI: how the kubelet restarts a pod's "
                + "container (the CRI runtime tells no more: not which attempt, nor why)"
        }
    }

    /// `started_by` in `summary --json`.
    var name: String {
        switch self {
        case .restartPolicy: "restart_policy"
        case .startRequest: "start_request"
        case .restartRequest: "restart_request"
        case .recreatedInPod: "recreated_in_pod"
        }
    }
}
