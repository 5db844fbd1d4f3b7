/// The labels of a container's series: its name, its pod and namespace (Kubernetes),
/// its runtime; never an ID or a PID. A restarted container keeps its series (the
/// kubelet re-creates it under a new ID), and there are as many series as containers.
/// A value is what the records say, any bytes: the exposition escapes it.
public struct ContainerLabels: Hashable, Sendable {
    public var container: String
    /// Empty outside Kubernetes pods, as are `namespace` and, when unknown, `runtime`.
    public var pod: String
    public var namespace: String
    public var runtime: String

    public init(container: String, pod: String = "", namespace: String = "", runtime: String = "") {
        self.container = container
        self.pod = pod
        self.namespace = namespace
        self.runtime = runtime
    }

    /// A container without a name is named by its short ID, as its records name it.
    public init(_ identity: TraceReport.ContainerIdentity) {
        self.init(container: identity.name ?? String(identity.id.prefix(12)), pod: identity.pod?.name ?? "",
                  namespace: identity.pod?.namespace ?? "", runtime: identity.runtime ?? "")
    }

    /// In the order the series show them.
    var pairs: [(String, String)] {
        [("container", container), ("pod", pod), ("namespace", namespace), ("runtime", runtime)]
    }
}
