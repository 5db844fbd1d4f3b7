import ArgumentParser
import PidtraceCore

/// `--pod`, `--namespace`, `--container POD/NAME` and `--runtime-root`, shared by
/// `trace` and `ps`.
enum PodArguments {
    static func validate(pods: [String], containers: [String], namespace: String?, runtimeRoots: [String]) throws {
        if pods.contains(where: { $0.isEmpty || $0.contains("/") }) {
            throw ValidationError("--pod needs a pod name (the namespace goes in --namespace)")
        }
        let podContainers = containers.filter { $0.contains("/") }
        if let bad = podContainers.first(where: { PodSelector.containerRef($0, namespace: nil) == nil }) {
            throw ValidationError("--container '\(bad)': a pod's container is POD/CONTAINER")
        }
        let isPodTrace = !pods.isEmpty || !podContainers.isEmpty
        if isPodTrace && podContainers.count != containers.count {
            throw ValidationError("Docker/Podman containers and Kubernetes pods cannot be followed in one trace")
        }
        if let namespace {
            if namespace.isEmpty || namespace.contains("/") { throw ValidationError("--namespace needs a namespace name") }
            if !isPodTrace { throw ValidationError("--namespace goes with --pod or --container POD/CONTAINER") }
        }
        if runtimeRoots.contains(where: { $0.isEmpty }) { throw ValidationError("--runtime-root needs a directory") }
    }

    /// The pods asked for; empty when the trace is of Docker/Podman containers.
    static func selectors(pods: [String], containers: [String], namespace: String?) -> [PodSelector] {
        pods.map { PodSelector(pod: $0, namespace: namespace) }
            + containers.compactMap { PodSelector.containerRef($0, namespace: namespace) }
    }
}
