import Foundation
import Glibc
import Synchronization

/// Everything `--container` needs around the tracker: resolving the user's names
/// through the runtime, and the runtime's event stream as a second source of
/// (re)starts. Every call to the runtime and every /proc scan runs on the stream's
/// thread or a lookup thread, never on the ring-buffer reader: a slow or hung daemon
/// must not stall the drain. The reader thread only applies their answers
/// (`drainAnswers`), so the tracker stays single-threaded.
public final class ContainerFollower: RuntimeFollower, RuntimeQuestions {
    public let tracker: ContainerTracker
    private let proc: ProcReader
    private let initial: [ContainerInfo]
    private let selection: Selection
    /// The Docker and Podman APIs that answer (for named containers, the one that
    /// resolved the names): their events are followed, their containers named.
    private let apis: [DockerAPIResolver]
    /// With `.all`: the CRI runtimes' state, asked about containers the API does not know.
    private let cri: CRIState?
    private var startWarnings: [String] = []
    private let inbox = RuntimeInbox()
    /// Runtime events not placed yet, with when they were first tried.
    private var waitingEvents: [(event: DockerEvent, sinceNs: UInt64)] = []
    static let startWaitNs: UInt64 = 2_000_000_000
    /// How long the runtime may take to hold a failed start's error: under the 2 s a
    /// story gives the runtime to say it (`ReportBuilder.endGraceNs`), so the live END
    /// row can quote it. Docker had it some 10 ms after the init's exit here.
    static let startErrorWaitNs: UInt64 = 1_500_000_000
    private var subscriptions: [EventSubscription] = []

    /// Resolves every reference now, so that a typo fails before anything is attached.
    public convenience init(refs: [String], dockerHost: String?, waitForStart: Bool, proc: ProcReader = ProcReader()) throws(ContainerError) {
        var resolver = try ContainerResolver(dockerHost: dockerHost, proc: proc)
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
        // Docker or Podman: said in every record (`runtime`). Asked once the daemon has
        // answered, so a silent one costs one timeout, not two.
        let useAPI = !awaited.isEmpty || infos.contains(where: { $0.source == .dockerAPI })
        if useAPI {
            resolver.api.runtime = try? resolver.api.api.version().runtimeName
            for i in infos.indices where infos[i].source == .dockerAPI { infos[i].runtime = resolver.api.runtime }
        }
        self.init(selection: .named(ids: Set(infos.map(\.id)), awaitedNames: awaited),
                  initial: infos, apis: useAPI ? [resolver.api] : [], cri: nil, proc: proc)
    }

    /// Every container on the host (`pidtrace agent`): those of every Docker or Podman
    /// API that answers (`dockerHosts`; none given: Docker's, DOCKER_HOST or its default
    /// socket, and rootful Podman's), the pods in a CRI runtime's state on disk, and any
    /// other whose cgroup names a container ID (by its short ID), running now or created later.
    public convenience init(allOn dockerHosts: [String], cri: CRIState, proc: ProcReader = ProcReader()) throws(ContainerError) {
        let runtimes = try AnsweringRuntimes(hosts: dockerHosts, proc: proc)
        var infos: [ContainerInfo] = []
        for api in runtimes.apis {
            for var info in (try? api.runningContainers()) ?? [] where !infos.contains(where: { $0.id == info.id }) {
                info.runtime = api.runtime
                infos.append(info)
            }
        }
        for c in cri.containers() where !infos.contains(where: { $0.id == c.id }) {
            let info = PodFollower.info(c, proc: proc)
            if info.running { infos.append(info) }
        }
        // A pod's sandbox first: its app containers may join its namespace.
        infos.sort { ($0.pod?.isSandbox == true ? 0 : 1) < ($1.pod?.isSandbox == true ? 0 : 1) }
        self.init(selection: .all, initial: infos, apis: runtimes.apis, cri: cri, proc: proc)
        if runtimes.apis.isEmpty {
            startWarnings.append("no Docker or Podman API answers at \(runtimes.silent.joined(separator: " or ")): containers "
                + "are followed through CRI state and their cgroups, named by their short ID")
        }
    }

    private init(selection: Selection, initial: [ContainerInfo], apis: [DockerAPIResolver], cri: CRIState?, proc: ProcReader) {
        self.proc = proc
        self.selection = selection
        self.initial = initial
        self.apis = apis
        self.cri = cri
        tracker = ContainerTracker(proc: proc)
        // The runtime of a container named before any answer says its own: the only API's.
        tracker.defaultRuntime = apis.count == 1 ? apis[0].runtime : nil
        if selection.asksNames { tracker.runtime = self }
    }

    /// A new namespace whose container we do not know yet: the runtime is asked on a
    /// thread of its own (rare: the `create` event normally names it first).
    public func ask(about id: String) {
        let inbox = self.inbox, selection = self.selection, apis = self.apis, cri = self.cri
        let thread = Thread { inbox.add(\.names, Self.lookUp(id, selection: selection, apis: apis, cri: cri, inbox: inbox)) }
        thread.start()
    }

    public func takeCreated() -> [CreatedContainer] { inbox.take(\.created) }
    public func takeJoining() -> [UInt32] { inbox.take(\.joining).map(\.inode) }

    /// A run's init exited without exec'ing anything: the Docker (or Podman) API is asked,
    /// on a thread of its own, whether it could not start the container, and why.
    public func whyNotStarted(_ run: ContainerAttribution, initHostPID: UInt32) {
        // The API of the runtime that ran it.
        guard let api = (apis.first { $0.runtime == run.runtime } ?? apis.first)?.api else { return }
        let inbox = self.inbox
        let thread = Thread {
            do {
                guard let error = try api.startError(ofContainer: run.id, initHostPID: Int32(bitPattern: initHostPID),
                                                     timeoutNs: Self.startErrorWaitNs) else { return }
                inbox.add(\.startErrors, (run, error))
            } catch {
                Log.logger.warning("cannot ask the container runtime why container \(run.id.prefix(12)) did not start: \(error)")
                inbox.add(\.notices, Notice(kind: .runtimeError,
                                            message: "container \(run.id.prefix(12)) could not be inspected: \(error)"))
            }
        }
        thread.start()
    }

    /// Who a container is, asked off the reader: an API's name, else a CRI runtime's
    /// pod container; with `.all`, any other container by its short ID.
    private static func lookUp(_ id: String, selection: Selection, apis: [DockerAPIResolver], cri: CRIState?,
                               inbox: RuntimeInbox) -> NameAnswer {
        for api in apis {
            do {
                if let info = try api.inspect(id: id) {
                    let name = info.name ?? String(id.prefix(12))
                    return NameAnswer(id: id, name: selection.wants(id: id, name: name) ? name : nil, runtime: api.runtime)
                }
            } catch {
                Log.logger.warning("cannot ask the container runtime about container \(id.prefix(12)): \(error)")
                inbox.add(\.notices, Notice(kind: .runtimeError,
                                            message: "container \(id.prefix(12)) could not be looked up: \(error)"))
            }
        }
        guard case .all = selection else { return NameAnswer(id: id) }
        if let c = cri?.container(id: id) { return NameAnswer(id: id, name: c.name, pod: c.pod, runtime: c.runtime) }
        return NameAnswer(id: id, name: String(id.prefix(12)))
    }

    public var awaited: [String] {
        guard case let .named(_, names) = selection else { return [] }
        return names.sorted().map { "container " + $0 }
    }

    public var warnings: [String] { startWarnings }

    /// PID namespaces to watch from the first event on.
    public var initialNamespaces: [UInt32] { initial.compactMap(\.pidnsInode) }

    /// Once attached: the first generation of each running container (with its
    /// processes as `snapshot` records), and the runtime's event stream.
    public func start(tsNs: UInt64, emit: (TraceRecord) -> Void) {
        // One pass over /proc for them all, not one per container.
        let all = initial.count > 1 ? ProcessSnapshot.readAll(proc: proc) : nil
        for info in initial {
            tracker.follow(info, tsNs: tsNs, processes: all.map { ProcessSnapshot.processes(of: info, proc: proc, all: $0) },
                           emit: emit)
        }
        // Without an API (found by the cgroup scan) the kernel side alone sees restarts.
        for api in apis { subscriptions.append(subscribe(to: api)) }
    }

    /// The runtime's event stream, handled on its own thread.
    private func subscribe(to api: DockerAPIResolver) -> EventSubscription {
        let selection = self.selection
        let inbox = self.inbox, proc = api.proc
        // A map update: a syscall, safe from the events thread.
        nonisolated(unsafe) let filter = tracker.filter
        return EventSubscription(api: api.api, onEvent: { event in
            guard selection.wants(id: event.id, name: event.name) else { return }
            // `create` comes before the runtime makes the namespace: knowing the ID
            // by then lets the kernel side claim it at its init's fork.
            if event.kind == "create" && selection.asksNames {
                inbox.add(\.created, CreatedContainer(id: event.id, name: event.name ?? String(event.id.prefix(12)),
                                                       runtime: api.runtime))
                // Created into another container's PID namespace (a pod's): watched from
                // now on, so that its init is seen entering it. The kernel side is told
                // here, not at the reader's next turn (up to a poll's 100 ms): `podman
                // run` forks the init some 20 ms after the event arrives.
                if let joined = try? api.joinedPIDNamespace(ofContainer: event.id) {
                    let inode = joined.inode
                    try? filter?.watch(pidNamespace: inode, initHostPID: joined.initHostPID)
                    inbox.add(\.joining, joined)
                    Log.logger.info("a created container will join another's PID namespace: watched", metadata: [
                        "container": "\(event.name ?? event.id)", "pidns": "\(inode)", "boot_ns": "\(BootClock.nowBootNs())"])
                }
            } else if event.kind == "start" {
                // Here, not on the reader: the daemon may be slow to answer.
                do {
                    guard var info = try api.inspect(id: event.id) else { return }
                    info.runtime = api.runtime
                    // A scan of all /proc (some 50 ms on a busy node) made only when the
                    // kernel side is not watching its namespace from its init's fork.
                    let forkSeen = info.pidnsInode.map { filter?.isWatched(pidNamespace: $0) == true } ?? false
                    let processes = !info.running ? [] : forkSeen ? nil : ProcessSnapshot.processes(of: info, proc: proc)
                    inbox.add(\.started, StartedContainer(info: info, processes: processes))
                    var start = event
                    start.restartCount = info.restartCount
                    inbox.add(\.events, start)
                } catch {
                    Log.logger.warning("cannot inspect started container \(event.id.prefix(12)): \(error)")
                    inbox.add(\.notices, Notice(kind: .runtimeError,
                                                message: "started container \(event.id.prefix(12)) could not be inspected: \(error)"))
                }
            } else if event.kind == "destroy" {
                inbox.add(\.removed, event)
            } else if RuntimeEventRecord.actions.contains(event.kind) {
                inbox.add(\.events, event)
            }
        }, onGap: { notice in inbox.add(\.notices, notice) })
    }

    /// Applies what the runtime answered since the last call; returns the PID
    /// namespaces whose held events the Correlator may now replay or drop.
    public func drainAnswers(tsNs: UInt64, emit: (TraceRecord) -> Void) -> [UInt32] {
        for notice in inbox.take(\.notices) { emit(.notice(NoticeRecord(tsNs: tsNs, notice: notice))) }
        for created in inbox.take(\.created) { tracker.follow(created) }
        for joined in inbox.take(\.joining) {
            tracker.watchJoined(pidNamespace: joined.inode, initHostPID: joined.initHostPID, emit: emit)
        }
        // Starts before answers: a start whose init's fork waits for an answer in this
        // same batch is left to that answer (the fork starts the run once replayed).
        for started in inbox.take(\.started) {
            // Started during the trace: if its init's fork was not seen, what /proc shows
            // now ran since it started, not before the trace.
            tracker.follow(started.info, tsNs: tsNs, processes: started.processes, observed: .claim, emit: emit)
        }
        var settled: [UInt32] = []
        for answer in inbox.take(\.names) {
            settled += tracker.settle(id: answer.id, name: answer.name, pod: answer.pod, runtime: answer.runtime)
        }
        placeRuntimeEvents(tsNs: tsNs, emit: emit)
        for (run, error) in inbox.take(\.startErrors) {
            emit(.runtimeEvent(RuntimeEventRecord(tsNs: tsNs, container: run, action: RuntimeEventRecord.startFailed,
                                                  runtimeTimeNs: nil, exitCode: error.exitCode, error: error.message)))
        }
        for removed in inbox.take(\.removed) {
            // Said in the stream (its metrics' series go), then forgotten here.
            if let latest = tracker.latestGeneration(ofContainer: removed.id) {
                emit(.runtimeEvent(RuntimeEventRecord(tsNs: tsNs, container: latest, action: "destroy",
                                                      runtimeTimeNs: removed.timeNs)))
            }
            tracker.forget(containerID: removed.id)
        }
        return settled
    }

    /// The runtime's events, each given to the run it is about by its own time (the stream
    /// can trail the kernel by more than a short run). A `start` of a run not claimed yet
    /// waits for it, up to `startWaitNs`, then goes to the latest.
    private func placeRuntimeEvents(tsNs: UInt64, emit: (TraceRecord) -> Void) {
        waitingEvents += inbox.take(\.events).map { ($0, tsNs) }
        guard !waitingEvents.isEmpty else { return }
        let clock = BootClock()
        var still: [(event: DockerEvent, sinceNs: UInt64)] = []
        for (event, since) in waitingEvents {
            let atNs = UInt64(clamping: max(0, clock.bootNs(wallNs: event.timeNs)))
            var container = tracker.generation(ofContainer: event.id, atNs: atNs, action: event.kind)
            if container == nil && (event.kind == "start" || event.kind == "restart") {
                guard tsNs - since >= Self.startWaitNs else { still.append((event, since)); continue }
                container = tracker.latestGeneration(ofContainer: event.id)
            }
            guard let container else { continue }
            emit(.runtimeEvent(RuntimeEventRecord(tsNs: tsNs, container: container, action: event.kind,
                                                  runtimeTimeNs: event.timeNs, restartCount: event.restartCount,
                                                  signal: event.signal.flatMap { Int32($0) ?? SignalName.number($0) },
                                                  exitCode: event.exitCode)))
        }
        waitingEvents = still
    }

    deinit { for subscription in subscriptions { subscription.stop() } }
}

extension ContainerFollower {
    /// Whom a follower follows: named containers (and names awaited with --wait), or all.
    enum Selection: Sendable {
        case named(ids: Set<String>, awaitedNames: Set<String>)
        case all

        func wants(id: String, name: String?) -> Bool {
            switch self {
            case let .named(ids, names): return ids.contains(id) || name.map(names.contains) == true
            case .all: return true
            }
        }

        /// New containers may be followed: the runtime is asked who an unknown one is.
        var asksNames: Bool {
            if case let .named(_, names) = self { return !names.isEmpty }
            return true
        }
    }
}

/// The runtime's answer about a container ID: its name when it is to be followed.
struct NameAnswer: Sendable {
    var id: String
    var name: String?
    var pod: PodMeta?
    var runtime: String?
}

/// A container the runtime reported started, inspected and scanned off the reader.
struct StartedContainer: Sendable {
    var info: ContainerInfo
    /// Its processes from /proc; nil when the kernel side watched its namespace already
    /// (the reader sees, or has seen, its init's fork: a scan is made only if not).
    var processes: [ProcessEntry]?
}

/// From the runtime's threads to the reader.
final class RuntimeInbox: Sendable {
    struct Contents {
        var created: [CreatedContainer] = []
        var started: [StartedContainer] = []
        /// PID namespaces that a created container will join.
        var joining: [(inode: UInt32, initHostPID: UInt32)] = []
        var names: [NameAnswer] = []
        /// Containers the runtime removed: forgotten (a node agent's memory stays flat).
        var removed: [DockerEvent] = []
        var notices: [Notice] = []
        /// What the runtime did to followed containers (`start` with its restart count).
        var events: [DockerEvent] = []
        /// Runs the runtime could not start, and its error.
        var startErrors: [(run: ContainerAttribution, error: StartError)] = []
    }

    private let contents = Mutex(Contents())

    func add<T>(_ list: WritableKeyPath<Contents, [T]> & Sendable, _ item: sending T) {
        contents.withLock { $0[keyPath: list].append(item) }
    }

    func take<T>(_ list: WritableKeyPath<Contents, [T]> & Sendable) -> [T] {
        contents.withLock { c in
            defer { c[keyPath: list].removeAll() }
            return c[keyPath: list]
        }
    }
}
