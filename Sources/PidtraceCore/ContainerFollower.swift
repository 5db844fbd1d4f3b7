import Synchronization

/// Everything `--container` needs around the tracker: resolving the user's names
/// through the runtime, and the runtime's event stream as a second source of
/// (re)starts. The stream's thread only queues container IDs; the reader thread
/// inspects and follows them (`drainStarts`), so the tracker stays single-threaded.
public final class ContainerFollower {
    public let tracker: ContainerTracker
    private let resolver: ContainerResolver
    private let initial: [ContainerInfo]
    private let started = StartInbox()
    private var stream: DockerEventStream?

    /// Resolves every reference now, so that a typo fails before anything is attached.
    public init(refs: [String], dockerHost: String?, waitForStart: Bool, proc: ProcReader = ProcReader(),
                watch: @escaping (UInt32) -> Void, unwatch: @escaping (UInt32) -> Void) throws(ContainerError) {
        resolver = try ContainerResolver(dockerHost: dockerHost, proc: proc)
        var infos: [ContainerInfo] = []
        for ref in refs {
            let info = try resolver.resolve(ref, requireRunning: !waitForStart)
            if !infos.contains(where: { $0.id == info.id }) { infos.append(info) }
        }
        initial = infos
        tracker = ContainerTracker(proc: proc, watch: watch, unwatch: unwatch)
    }

    /// PID namespaces to watch from the first event on.
    public var initialNamespaces: [UInt32] { initial.compactMap(\.pidnsInode) }

    /// Once attached: the first generation of each running container (with its
    /// processes as `snapshot` records), and the runtime's event stream.
    public func start(tsNs: UInt64, emit: (TraceRecord) -> Void) {
        for info in initial { tracker.follow(info, tsNs: tsNs, emit: emit) }
        // Without the API (found by the cgroup scan) the kernel side alone sees restarts.
        guard initial.contains(where: { $0.source == .dockerAPI }) else { return }
        let ids = Set(initial.map(\.id))
        let started = self.started
        stream = resolver.api.api.events(onEvent: { event in
            guard event.kind == "start", ids.contains(event.id) else { return }
            started.ids.withLock { $0.append(event.id) }
        }, onEnd: { error in
            if let error {
                Log.logger.warning("container events stream ended (\(error)); already followed namespaces are still traced")
            }
        })
    }

    /// Starts the runtime reported that the kernel side has not shown us yet (for
    /// example when the new PID 1's cgroup could not be read in time).
    public func drainStarts(tsNs: UInt64, emit: (TraceRecord) -> Void) {
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

/// Container IDs the runtime reported started, from the events thread to the reader.
private final class StartInbox: Sendable {
    let ids = Mutex<[String]>([])
}
