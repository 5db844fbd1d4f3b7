/// Which container, and which run of it, a process belongs to.
public struct ContainerAttribution: Sendable, Equatable {
    public var id: String
    public var name: String
    /// 1, 2, 3, ... within this trace: each start of the container's PID 1.
    public var generation: Int
    /// The pod of a CRI runtime's container.
    public var pod: PodMeta?
    /// `docker`, `podman`, `containerd`, `cri-o`, when known.
    public var runtime: String?

    public init(id: String, name: String, generation: Int, pod: PodMeta? = nil, runtime: String? = nil) {
        self.id = id
        self.name = name
        self.generation = generation
        self.pod = pod
        self.runtime = runtime
    }
}

/// A container generation began (its PID 1 appeared) or ended (its PID 1 exited).
public struct ContainerLifecycle: Sendable {
    public var tsNs: UInt64
    public var container: ContainerAttribution
    public var initHostPID: UInt32
    public var pidns: UInt32
    /// container_exit: how PID 1 ended.
    public var exit: ExitStatus?
    /// container_start of a container already running: when the runtime started it.
    public var startedAt: String?
    /// The init's PID in the namespace: 1, except for a container sharing its pod's
    /// namespace (the sandbox is PID 1 there).
    public var initNSPID: UInt32

    public init(tsNs: UInt64, container: ContainerAttribution, initHostPID: UInt32, pidns: UInt32,
                exit: ExitStatus? = nil, startedAt: String? = nil, initNSPID: UInt32 = 1) {
        self.tsNs = tsNs
        self.initNSPID = initNSPID
        self.container = container
        self.initHostPID = initHostPID
        self.pidns = pidns
        self.exit = exit
        self.startedAt = startedAt
    }
}
