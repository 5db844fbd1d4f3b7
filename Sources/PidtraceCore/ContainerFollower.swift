import Synchronization

/// Everything `--container` needs around the tracker: resolving the user's names
/// through the runtime, and the runtime's event stream as a second source of
/// (re)starts. The stream's thread only queues container IDs; the reader thread
/// inspects and follows them (`drainStarts`), so the tracker stays single-threaded.
public final class ContainerFollower {
    public let tracker: ContainerTracker
    private let resolver: ContainerResolver
    private let initial: [ContainerInfo]
    /// With --wait: names that no container has yet. Followed once one appears.
    private let awaitedNames: Set<String>
    private let started = StartInbox()
    private var stream: DockerEventStream?

    /// Resolves every reference now, so that a typo fails before anything is attached.
    public init(refs: [String], dockerHost: String?, waitForStart: Bool, proc: ProcReader = ProcReader(),
                watch: @escaping (UInt32) -> Void, unwatch: @escaping (UInt32) -> Void) throws(ContainerError) {
        resolver = try ContainerResolver(dockerHost: dockerHost, proc: proc)
        var infos: [ContainerInfo] = []
        var awaited: Set<String> = []
        for ref in refs {
            do {
                let info = try resolver.resolve(ref, requireRunning: !waitForStart)
                if !infos.contains(where: { $0.id == info.id }) { infos.append(info) }
            } catch .unknownContainer where waitForStart && !CgroupResolver.looksLikeID(ref) {
                awaited.insert(ref) // a container yet to be created, by name
            }
        }
        initial = infos
        awaitedNames = awaited
        tracker = ContainerTracker(proc: proc, watch: watch, unwatch: unwatch)
        if !awaited.isEmpty {
            // A new namespace whose container we do not know yet: ask the runtime for
            // its name (rare, and only while a name is awaited).
            let api = resolver.api
            let started = self.started
            tracker.takeCreated = {
                started.created.withLock { pending in
                    defer { pending.removeAll() }
                    return pending
                }
            }
            tracker.nameOfUnfollowed = { id in
                guard let found = (try? api.inspect(id: id)) ?? nil, let name = found.name,
                      awaited.contains(name) else { return nil }
                return name
            }
        }
    }

    /// PID namespaces to watch from the first event on.
    public var initialNamespaces: [UInt32] { initial.compactMap(\.pidnsInode) }

    /// Once attached: the first generation of each running container (with its
    /// processes as `snapshot` records), and the runtime's event stream.
    public func start(tsNs: UInt64, emit: (TraceRecord) -> Void) {
        for info in initial { tracker.follow(info, tsNs: tsNs, emit: emit) }
        // Without the API (found by the cgroup scan) the kernel side alone sees restarts.
        guard !awaitedNames.isEmpty || initial.contains(where: { $0.source == .dockerAPI }) else { return }
        let ids = Set(initial.map(\.id)), names = awaitedNames
        let started = self.started
        stream = resolver.api.api.events(onEvent: { event in
            let awaited = event.name.map(names.contains) == true
            // `create` comes before the runtime makes the namespace: knowing the ID
            // by then lets the kernel side claim it before its init execs.
            if event.kind == "create" && awaited {
                started.created.withLock { $0.append((event.id, event.name ?? event.id)) }
            } else if event.kind == "start" && (ids.contains(event.id) || awaited) {
                started.ids.withLock { $0.append(event.id) }
            }
        }, onEnd: { error in
            if let error {
                Log.logger.warning("container events stream ended (\(error)); already followed namespaces are still traced")
            }
        })
    }

    /// Starts the runtime reported that the kernel side has not shown us yet (for
    /// example when the new PID 1's cgroup could not be read in time).
    public func drainStarts(tsNs: UInt64, emit: (TraceRecord) -> Void) {
        let created = started.created.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        for (id, name) in created { tracker.follow(id: id, name: name) }
        let ids = started.ids.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        for id in ids {
            guard let info = (try? resolver.api.inspect(id: id)) ?? nil else { continue }
            tracker.follow(info, tsNs: tsNs, emit: emit)
        }
    }

    deinit { stream?.stop(wait: false) }
}

/// Containers the runtime reported created or started, from the events thread to
/// the reader.
private final class StartInbox: Sendable {
    let ids = Mutex<[String]>([])
    let created = Mutex<[(id: String, name: String)]>([])
}
