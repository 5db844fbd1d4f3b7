/// A container as pidtrace follows it: the runtime's identity plus the host view
/// of its PID 1 and PID namespace.
public struct ContainerInfo: Sendable, Equatable {
    public enum Source: Sendable, Equatable { case dockerAPI, cgroupScan, criState }

    /// Full 64-hex ID.
    public var id: String
    /// Without the leading '/'; nil when found by the cgroup scan (no API, no names).
    public var name: String?
    /// Host PID of the container's PID 1 (`State.Pid`); 0 when not running.
    public var hostPID: Int32
    /// RFC 3339 as the runtime gives it; nil from the cgroup scan.
    public var startedAt: String?
    public var running: Bool
    /// Inode of `/proc/<hostPID>/ns/pid`; nil when not running (or already gone).
    public var pidnsInode: UInt32?
    public var restartCount: Int?
    public var image: String?
    public var source: Source
    /// The pod, for a container of a CRI runtime (containerd, CRI-O).
    public var pod: PodMeta?
    /// `docker`, `podman`, `containerd`, `cri-o`; nil when unknown (the cgroup scan).
    public var runtime: String?

    public init(id: String, name: String?, hostPID: Int32, startedAt: String?, running: Bool,
                pidnsInode: UInt32?, restartCount: Int? = nil, image: String? = nil, source: Source,
                pod: PodMeta? = nil, runtime: String? = nil) {
        self.id = id
        self.name = name
        self.hostPID = hostPID
        self.startedAt = startedAt
        self.running = running
        self.pidnsInode = pidnsInode
        self.restartCount = restartCount
        self.image = image
        self.source = source
        self.pod = pod
        self.runtime = runtime
    }

    public var shortID: String { String(id.prefix(12)) }
    /// The name, else the short ID; `namespace/pod/name` for a pod's container.
    public var displayName: String {
        if let pod { return "\(pod.qualifiedName)/\(name ?? shortID)" }
        return name ?? shortID
    }
}

/// Which pod a container belongs to, as the kubelet named it through the CRI.
public struct PodMeta: Sendable, Equatable, Hashable {
    public var name: String
    public var namespace: String
    public var uid: String
    /// The pod's sandbox (the "pause" infrastructure container), not an app container.
    public var isSandbox: Bool

    public init(name: String, namespace: String, uid: String, isSandbox: Bool) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.isSandbox = isSandbox
    }

    /// `namespace/name`, as kubectl shows a pod.
    public var qualifiedName: String { "\(namespace)/\(name)" }
}
