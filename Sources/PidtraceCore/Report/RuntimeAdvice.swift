/// The runtime's own words for what a fix asks of it: `--init` is a flag of `docker run`
/// and `podman run`, while a Kubernetes pod has none (its image's entrypoint, or its
/// pod spec, has to say it). Chosen by what the records say runs the container
/// (`runtime`, and `pod` for a pod's container); a recording that does not say names
/// the choices.
struct RuntimeAdvice {
    enum Runtime: Equatable {
        case docker, podman
        /// A container of a Kubernetes pod, run through the CRI (containerd, CRI-O).
        case kubernetes
        case unknown
    }

    let runtime: Runtime
    /// The container's name, or its pod's and name, as the runtime's commands take them.
    private let target: String
    /// A pod's namespace and name, as `kubectl describe pod` takes them.
    private let podTarget: String

    init(_ container: TraceReport.ContainerIdentity?) {
        typealias F = ReportFormat
        if let pod = container?.pod {
            runtime = .kubernetes
            let namespace = pod.namespace.isEmpty ? "" : "-n " + ShellQuote.quote(F.printable(pod.namespace)) + " "
            podTarget = namespace + ShellQuote.quote(F.printable(pod.name))
            target = podTarget + (container?.name.map { " -c " + ShellQuote.quote(F.printable($0)) } ?? "")
        } else {
            switch container?.runtime {
            case "docker": runtime = .docker
            case "podman": runtime = .podman
            default: runtime = .unknown
            }
            target = container?.name.map { ShellQuote.quote(F.printable($0)) } ?? "CONTAINER"
            podTarget = ""
        }
    }

    /// The command-line tool of a Docker-API runtime.
    private var cli: String? {
        switch runtime {
        case .docker: "docker"
        case .podman: "podman"
        case .kubernetes, .unknown: nil
        }
    }

    /// How to put an init that passes SIGTERM on to the app in front of it.
    var initForwardingSignals: String {
        if let cli { return "run the container with an init that forwards signals (`\(cli) run --init`)" }
        if runtime == .kubernetes {
            return "make an init that forwards signals (such as tini: `tini -- COMMAND`) the image's entrypoint, "
                + "as a pod has no `--init`"
        }
        return "run the container with an init that forwards signals (`docker run --init`, `podman run --init`, "
            + "or tini as the image's entrypoint in a Kubernetes pod)"
    }

    /// How to get an init that reaps the orphans adopted by PID 1.
    var initReapingOrphans: String {
        if let cli { return "run the container with an init that reaps orphans (`\(cli) run --init`)" }
        if runtime == .kubernetes {
            return "make an init that reaps orphans (such as tini) the image's entrypoint, or set "
                + "`shareProcessNamespace: true` in the pod spec so that the pause process is PID 1 and reaps them"
        }
        return "run the container with an init that reaps orphans (`docker run --init`, `podman run --init`, "
            + "or tini as the image's entrypoint in a Kubernetes pod)"
    }

    /// Where the memory limit is set.
    var memoryLimit: String {
        if let cli { return "`\(cli) run --memory`" }
        if runtime == .kubernetes { return "`resources.limits.memory` in the pod spec" }
        return "`--memory` of `docker run` or `podman run`, `resources.limits.memory` in a pod spec"
    }

    /// The command that shows the container's own output. Docker and Podman keep one
    /// container across restarts (its logs hold every run); the kubelet re-creates it,
    /// and by the time anyone asks (`pidtrace why`) the run that ended is usually the
    /// previous container, whose output only `--previous` shows.
    var logs: String {
        if let cli { return "`\(cli) logs \(target)`" }
        if runtime == .kubernetes { return "`kubectl logs \(target) --previous` once the kubelet has restarted it" }
        return "`docker logs`, `podman logs` or `kubectl logs`"
    }

    /// What let the SIGKILL come after a SIGTERM that did not end PID 1: for a pod, the
    /// knob to turn is its grace period (the kubelet's StopContainer timeout).
    var stopTimeout: String {
        runtime == .kubernetes ? "the pod's grace period, `terminationGracePeriodSeconds`" : "the stop timeout"
    }

    /// How a process is started from outside the container.
    var exec: String {
        if let cli { return "`\(cli) exec`" }
        return runtime == .kubernetes ? "`kubectl exec`" : "`docker exec`"
    }

    /// The runtime by name, as a sentence says it: "Docker", "Podman", "the runtime".
    var runtimeName: String {
        switch runtime {
        case .docker: "Docker"
        case .podman: "Podman"
        case .kubernetes, .unknown: "the runtime"
        }
    }

    /// Where the runtime keeps why it could not start a container.
    var startError: String {
        switch runtime {
        case .docker: "the runtime's error (`docker inspect -f '{{.State.Error}}' \(target)`)"
        case .podman: "the error `podman run` or `podman start` printed"
        case .kubernetes: "the container's last state and its message (`kubectl describe pod \(podTarget)`)"
        case .unknown: "the runtime's error (`docker inspect -f '{{.State.Error}}' CONTAINER`, or what `podman start` printed)"
        }
    }

    /// The requests that start a run (the runtime's events say only that one did).
    var startRequests: String {
        cli.map { "`\($0) run` or `\($0) start`" } ?? "`docker run` or `docker start`, or Podman's"
    }

    var restartRequest: String { cli.map { "`\($0) restart`" } ?? "`docker restart` or `podman restart`" }
}
