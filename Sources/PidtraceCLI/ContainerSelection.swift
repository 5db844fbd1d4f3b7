import ArgumentParser
import PidtraceCore

/// Which containers a command is about — Docker/Podman containers, or Kubernetes pods
/// of a CRI runtime — shared by `trace` and `ps`.
struct ContainerSelection: ParsableArguments {
    @Option(name: .customLong("container"), help: ArgumentHelp(
        "This container: name, ID or unique ID prefix; POD/NAME for a pod's container (repeatable).",
        valueName: "NAME|ID"))
    var containers: [String] = []

    @Option(name: .customLong("pod"), help: ArgumentHelp(
        "Every container of this Kubernetes pod (containerd or CRI-O; repeatable).", valueName: "NAME"))
    var pods: [String] = []

    @Option(help: ArgumentHelp("With --pod or --container POD/NAME: the pod's namespace.", valueName: "NAMESPACE"))
    var namespace: String?

    @Option(help: ArgumentHelp(
        "A CRI runtime's state directory (repeatable; default: /run/containerd and /run/containers/storage).",
        valueName: "DIR"))
    var runtimeRoot: [String] = []

    @Option(help: ArgumentHelp(
        "Docker API socket (default: DOCKER_HOST, else unix:///var/run/docker.sock).", valueName: "unix:///PATH"))
    var dockerHost: String?

    /// Checks the selection; `refs` are all container references (`ps` adds its positional ones).
    func check(refs: [String]) throws {
        if containers.contains(where: { $0.isEmpty }) { throw ValidationError("--container needs a name or an ID") }
        if refs.contains(where: { $0.isEmpty }) { throw ValidationError("a container needs a name or an ID") }
        if pods.contains(where: { $0.isEmpty || $0.contains("/") }) {
            throw ValidationError("--pod needs a pod name (the namespace goes in --namespace)")
        }
        let podContainers = refs.filter { $0.contains("/") }
        if let bad = podContainers.first(where: { PodSelector.containerRef($0, namespace: nil) == nil }) {
            throw ValidationError("--container '\(bad)': a pod's container is POD/CONTAINER")
        }
        let isPodTrace = !pods.isEmpty || !podContainers.isEmpty
        if isPodTrace && podContainers.count != refs.count {
            throw ValidationError("Docker/Podman containers and Kubernetes pods cannot be followed in one trace")
        }
        if let namespace {
            if namespace.isEmpty || namespace.contains("/") { throw ValidationError("--namespace needs a namespace name") }
            if !isPodTrace { throw ValidationError("--namespace goes with --pod or --container POD/CONTAINER") }
        }
        if runtimeRoot.contains(where: { $0.isEmpty }) { throw ValidationError("--runtime-root needs a directory") }
        if let dockerHost {
            do {
                _ = try DockerEndpoint.socketPath(fromURL: dockerHost, source: "--docker-host")
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    /// The pods asked for; empty when the references are Docker/Podman containers.
    func podSelectors(refs: [String]) -> [PodSelector] {
        pods.map { PodSelector(pod: $0, namespace: namespace) }
            + refs.compactMap { PodSelector.containerRef($0, namespace: namespace) }
    }

    /// `--runtime-root`, or the default roots.
    var criState: CRIState { runtimeRoot.isEmpty ? CRIState() : CRIState(roots: runtimeRoot) }
}
