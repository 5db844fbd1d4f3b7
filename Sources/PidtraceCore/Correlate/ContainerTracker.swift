/// Follows containers across restarts. Each run of a container has its own PID
/// namespace; the kernel may reuse a freed namespace's inode number, so a
/// generation is identified by (inode, its init's host PID and start time), and a
/// new namespace is claimed for a container by the container ID in its init's
/// cgroup path — before that init execs the entrypoint (runc applies the cgroup
/// before it creates the namespace).
///
/// A PID namespace may hold several containers (Podman's `pod create --share pid`,
/// Kubernetes' `shareProcessNamespace`, `docker run --pid container:X`): a process
/// belongs to the container whose cgroup it is in (the container ID in the path of
/// its `cgroup_id`, read once per cgroup), never to the namespace's PID 1 for being
/// in its namespace. A container whose init is not the namespace's PID 1 joined it:
/// its generation begins with that init (its first process there, or the runtime's
/// PID when found running) and ends with that init's exit.
///
/// Used from the ring-buffer reader thread only; `requestCheck` is the one door
/// for other threads (the Docker events stream).
public final class ContainerTracker {
    struct Generation {
        var attribution: ContainerAttribution
        var initHostPID: UInt32
        /// The init's PID in the namespace: 1, but for a container that joined one.
        var initNSPID: UInt32 = 1
        var ended = false
        /// A namespace nested in a followed container's (Docker in Docker): all its
        /// processes are that container's, whatever their cgroup.
        var nested = false
        /// The init exec'd a program (or was found running, when that is not known):
        /// one that exits before it never ran the container's entrypoint.
        var initExeced = true
    }

    /// Who is followed, and the numbering of their runs.
    private var registry = GenerationRegistry()
    private var namespaces: [UInt32: Generation] = [:]
    /// Namespaces dropped (not a followed container's, or an inode reused by one that
    /// is not): their events up to the time they were dropped are still in the ring.
    private var foreign: [UInt32: UInt64] = [:]
    /// Live processes of followed containers, for nested namespaces and parents.
    private var processes: [UInt32: ContainerAttribution] = [:]
    private let proc: ProcReader
    /// Who an unknown container is (`settle` gets the answer); nil when no new container
    /// can be followed (named containers all known): theirs are dropped at once. Weak:
    /// the follower that answers owns this tracker.
    public weak var runtime: (any RuntimeQuestions)?
    /// New namespaces of containers whose name the runtime is asked for → their ID.
    /// Their events are held meanwhile (`Decision.hold`).
    private var pending: [UInt32: String] = [:]
    /// IDs the runtime said are not awaited.
    private var rejected: Set<String> = []
    /// Pending namespaces we added to the kernel filter ourselves.
    private var watchedWhileAsking: Set<UInt32> = []
    /// The kernel side's namespace filter; set once the tracer is loaded, before events.
    public var filter: (any NamespaceFilter)?
    /// `--pid`/`--pidns` (or the agent's `--include-host`) watch namespaces of their own:
    /// a new namespace below one of them is kept without a container. Without them, a
    /// watched namespace that is no container's is a stale filter entry, dropped.
    public var keepsNamespacesOutsideContainers = false
    /// Generations of containers that joined a PID namespace they are not PID 1 of:
    /// by namespace, then container ID (the latest generation, ended or not).
    private var joined: [UInt32: [String: Generation]] = [:]
    /// cgroup v2 ID → the container ID its path names ("" for none).
    private var cgroupContainers: [UInt64: String] = [:]
    /// Namespaces whose generation ended, with when: forgotten `endedKeptNs` later, so
    /// that a tracer running for weeks stays flat (the kernel's filter keeps the inode).
    private var endedAt: [UInt32: UInt64] = [:]
    /// Long enough for the teardown's kills of the namespace's other processes and
    /// every queued event of theirs to be read.
    static let endedKeptNs: UInt64 = 10_000_000_000

    public init(proc: ProcReader = ProcReader()) {
        self.proc = proc
    }

    static let maxProcesses = 1 << 16

    /// The runtime of containers not described one by one (Docker or Podman).
    public var defaultRuntime: String? {
        get { registry.defaultRuntime }
        set { registry.defaultRuntime = newValue }
    }

    /// The generation number a container reached before this trace (a node agent's
    /// history): by container ID, or for a pod's container by `namespace/pod/name`.
    /// Its next generation continues from there.
    public var previousGenerations: ((_ id: String, _ podKey: String?) -> Int)? {
        get { registry.previousGenerations }
        set { registry.previousGenerations = newValue }
    }

    public var followedCount: Int { registry.followedCount }
    /// Generations begun during this trace, over all followed containers.
    public var generationCount: Int { registry.generationCount }

    /// The generation of a followed container that the runtime's `action` at `atNs` (boot
    /// ns) is about (`GenerationRegistry.run`).
    public func generation(ofContainer id: String, atNs: UInt64, action: String) -> ContainerAttribution? {
        registry.run(of: id, atNs: atNs, action: action)
    }

    /// The latest generation of a followed container; nil before its first.
    public func latestGeneration(ofContainer id: String) -> ContainerAttribution? { registry.latestRun(of: id) }

    /// Follows a container; a running one starts its first generation now, with
    /// `container_start` and a `snapshot` record per process already inside.
    /// `processes`: the /proc scan, when it was made off the reader thread. `observed`:
    /// `.claim` for a container the runtime reported started during the trace whose
    /// init's fork was not seen (a container joining a pod's PID namespace, named by
    /// the runtime only after its init had started): not one running at trace start.
    public func follow(_ info: ContainerInfo, tsNs: UInt64, processes: [ProcessEntry]? = nil,
                       observed: SnapshotRecord.Observed = .traceStart, emit: (TraceRecord) -> Void) {
        registry.follow(id: info.id, name: info.name ?? info.shortID)
        describe(id: info.id, pod: info.pod, runtime: info.runtime)
        guard info.running, info.hostPID > 0, let inode = info.pidnsInode else { return }
        // Its init's fork is held for the runtime's answer about this very container:
        // that answer starts the run from the fork. Started from /proc here as well, the
        // run would get a second start, and PID 1's command line twice in its story.
        if pending[inode] == info.id { return }
        // 1, but for a container that joined another's namespace (a pod's, whose PID 1
        // is the sandbox's: catatonit, pause).
        let initNSPID = proc.nsPIDs(pid: info.hostPID)?.last ?? 1
        let known = initNSPID == 1 ? namespaces[inode] : joined[inode]?[info.id]
        if let known, known.attribution.id == info.id {
            // Followed already (its init's fork came first), or this very run already
            // seen to end: the runtime's answer is older than its exit (and /proc may
            // show an init in the middle of exiting as running).
            if !known.ended || known.initHostPID == UInt32(info.hostPID) { return }
        }
        // The runtime's answer may be stale (a crash loop between inspect and attach):
        // a PID 1 that is gone now would read as "still running" forever, since its
        // exit happened before the tracer was attached.
        guard isAlive(hostPID: info.hostPID, inNamespace: inode) else {
            Log.logger.info("container's PID 1 is gone already; following its next start", metadata: [
                "container": "\(registry.name(of: info.id) ?? info.shortID)", "host_pid": "\(info.hostPID)"])
            return
        }
        let attribution = startGeneration(id: info.id, inode: inode, initHostPID: UInt32(info.hostPID),
                                           tsNs: tsNs, startedAt: info.startedAt, initNSPID: initNSPID, emit: emit)
        let entries = processes ?? ProcessSnapshot.processes(of: info, proc: proc)
        snapshot(entries, tsNs: tsNs, observed: observed, attribution: attribution, emit: emit)
    }

    /// Pod and runtime of a container, for the records of its processes.
    public func describe(id: String, pod: PodMeta?, runtime: String?) {
        registry.describe(id: id, pod: pod, runtime: runtime)
    }

    /// A live (not zombie) process that is still the init of this namespace.
    private func isAlive(hostPID: Int32, inNamespace inode: UInt32) -> Bool {
        guard let state = proc.status(pid: hostPID)?["State"]?.trimmingSpaces().first,
              state != "Z" && state != "X" else { return false }
        return proc.namespaceInode(pid: hostPID) == inode
    }

    /// `snapshot` records for the processes now in a namespace, from /proc.
    private func snapshot(_ entries: [ProcessEntry], tsNs: UInt64, observed: SnapshotRecord.Observed,
                          attribution: ContainerAttribution, emit: (TraceRecord) -> Void) {
        for entry in entries {
            processes[UInt32(entry.hostPID)] = attribution
            let mntns = proc.namespaceInode(pid: entry.hostPID, kind: "mnt") ?? 0
            emit(.snapshot(SnapshotRecord(tsNs: tsNs, process: entry, mntns: mntns, container: attribution,
                                          observed: observed)))
        }
    }

    /// Follows a container that is not running yet, from its first start.
    public func follow(id: String, name: String) {
        registry.follow(id: id, name: name)
    }

    /// Follows a container a runtime reported created, as that runtime's.
    public func follow(_ created: CreatedContainer) {
        registry.follow(id: created.id, name: created.name)
        describe(id: created.id, pod: nil, runtime: created.runtime)
    }

    /// Whether `inode` is among the namespaces created containers will join, handed
    /// over now (with the containers created meanwhile).
    private func tookJoining(_ inode: UInt32) -> Bool {
        guard let runtime else { return false }
        let taken = runtime.takeJoining()
        guard !taken.isEmpty else { return false }
        for created in runtime.takeCreated() { follow(created) }
        for each in taken where joined[each] == nil { joined[each] = [:] }
        return joined[inode] != nil
    }

    /// A followed container will join this PID namespace (another container's, a
    /// pod's): its events are watched from now on, so that the container's init is
    /// seen entering it (its fork) and the namespace's other processes are judged by
    /// their cgroup.
    /// `initHostPID`: the namespace's init (the sandbox's, or the other container's).
    public func watchJoined(pidNamespace inode: UInt32, initHostPID: UInt32, emit: (TraceRecord) -> Void) {
        if joined[inode] == nil { joined[inode] = [:] }
        foreign[inode] = nil
        watch(inode, initHostPID: initHostPID, emit: emit)
    }

    /// The live generation running in a PID namespace, if any.
    public func container(ofPIDNamespace inode: UInt32) -> ContainerAttribution? {
        guard let generation = namespaces[inode], !generation.ended, foreign[inode] == nil else { return nil }
        return generation.attribution
    }

    /// The container of a live process (a signal's sender): its own, else its
    /// namespace's when that holds one container only.
    public func container(ofProcess hostPID: UInt32, pidns inode: UInt32) -> ContainerAttribution? {
        if let known = processes[hostPID] { return known }
        guard joined[inode] == nil else { return nil }
        return container(ofPIDNamespace: inode)
    }

    /// What to do with a kernel event: drop it, or keep it with its container.
    public enum Decision: Equatable {
        case drop
        case keep(ContainerAttribution?)
        /// Wait for the runtime's answer about the event's namespace (`settle`).
        case hold
    }

    /// The runtime answered about a container: follow it by `name`, or not (nil).
    /// Returns the namespaces whose held events may now be replayed.
    public func settle(id: String, name: String?, pod: PodMeta? = nil, runtime: String? = nil) -> [UInt32] {
        // A short-lived container may be gone before the runtime is asked ("no such
        // container"), while its `create` event, late, has named it by now.
        if name == nil && !registry.isFollowed(id) {
            for created in self.runtime?.takeCreated() ?? [] { follow(created) }
        }
        if let name {
            registry.follow(id: id, name: name)
            describe(id: id, pod: pod, runtime: runtime)
        } else if registry.isFollowed(id) {
            // Followed meanwhile (its `create` event): its events are replayed as its own.
        } else {
            if rejected.count >= 4096 { rejected.removeAll() } // a bound; a forgotten ID is only asked again
            rejected.insert(id)
        }
        let inodes = pending.filter { $0.value == id }.map(\.key)
        for inode in inodes { pending[inode] = nil }
        return inodes
    }

    /// Attributes `event`, claiming new namespaces for followed containers; may emit
    /// `container_start` before the event's own record.
    public func attribute(_ event: ProcessEvent, emit: (TraceRecord) -> Void) -> Decision {
        let inode = event.pidns
        var attribution: ContainerAttribution?
        if pending[inode] != nil {
            // Held for the runtime's answer; a new namespace's init too, when the inode
            // was reused meanwhile: its namespace is judged after the one before it.
            return .hold
        } else if event.startsNewPIDNamespace {
            switch claimNamespace(event, emit: emit) {
            case let .keep(claimed): attribution = claimed
            case .hold: return .hold
            case .drop: return .drop
            }
        } else if let until = foreign[inode], event.tsNs <= until {
            return .drop
        } else if namespaces[inode] != nil || joined[inode] != nil || tookJoining(inode) {
            switch member(event, emit: emit) {
            case let .keep(member): attribution = member
            case .hold: return .hold
            case .drop: return .drop
            }
        } else {
            attribution = processes[event.hostPID] ?? processes[event.hostPPID]
        }
        if let attribution, event.kind == .exec { initExeced(event, attribution) }
        if let attribution, !event.isThread, event.kind == .fork || event.kind == .exec {
            // Exits lost in a full ring would leave entries behind: a bound. Only nested
            // namespaces' parents are looked up here; a namespace's own generation
            // attributes the rest.
            if processes.count >= Self.maxProcesses { processes.removeAll(keepingCapacity: true) }
            processes[event.hostPID] = attribution
        }
        return .keep(attribution)
    }

    /// An exec by a run's init: it ran a program of its own.
    private func initExeced(_ event: ProcessEvent, _ attribution: ContainerAttribution) {
        let inode = event.pidns
        if namespaces[inode]?.initHostPID == event.hostPID, namespaces[inode]?.initExeced == false {
            namespaces[inode]!.initExeced = true
        } else if joined[inode]?[attribution.id]?.initHostPID == event.hostPID {
            joined[inode]![attribution.id]!.initExeced = true
        }
    }

    /// A process in a followed namespace belongs to the container whose cgroup it is
    /// in. A process entering the namespace from outside (runc's init of a container
    /// joining it) starts that container's generation when none of it is running.
    private func member(_ event: ProcessEvent, emit: (TraceRecord) -> Void) -> Decision {
        let inode = event.pidns
        let owner = namespaces[inode]
        if let owner, owner.nested { return .keep(owner.attribution) }
        guard let id = containerID(ofCgroup: event.cgroupID, hostPID: event.hostPID) else {
            // A cgroup that names no container, or a process gone before its cgroup was read.
            if let known = processes[event.hostPID] ?? (event.kind == .fork ? processes[event.hostPPID] : nil) {
                return .keep(known)
            }
            return owner.map { .keep($0.attribution) } ?? .drop
        }
        if let owner, owner.attribution.id == id { return .keep(owner.attribution) }
        let startsInit = event.kind == .fork && !event.isThread && event.nsPPID == 0
        if let generation = joined[inode]?[id], !(generation.ended && startsInit) {
            return .keep(generation.attribution)
        }
        if registry.isFollowed(id) {
            guard startsInit else { return .drop }
            // Its fork came through the filter: the namespace is watched already.
            return .keep(startGeneration(id: id, inode: inode, initHostPID: event.hostPID, tsNs: event.tsNs,
                                         startedAt: nil, initNSPID: event.nsPID, fromFork: true,
                                         watchedAlready: true, emit: emit))
        }
        if !rejected.contains(id), let runtime {
            if !pending.values.contains(id) { runtime.ask(about: id) }
            pending[inode] = id
            return .hold
        }
        return .drop // another container's process, in a namespace it shares
    }

    /// The container a new namespace's init was forked for, by its /proc/PID/cgroup;
    /// an init gone already (a container that exited at once, the reader behind) by
    /// the cgroup names the kernel side kept at its fork.
    private func containerID(ofNewNamespace event: ProcessEvent) -> String? {
        if let text = proc.readText("\(proc.root)/\(event.hostPID)/cgroup") {
            return CgroupResolver.containerID(inCgroupFile: text)
        }
        return filter?.cgroupTail(ofNamespaceInit: event.hostPID, startNs: event.startNs).flatMap {
            CgroupResolver.containerID(inCgroupPath: Substring($0))
        }
    }

    /// The container ID named by a cgroup's path, read from the process's
    /// /proc/PID/cgroup the first time the cgroup is seen; nil for none (or a
    /// process already gone). Only the unified line's path is the one `cgroup_id`
    /// names: with cgroup v1 alone every task's is the root, which names none.
    private func containerID(ofCgroup cgroupID: UInt64, hostPID: UInt32) -> String? {
        if let known = cgroupContainers[cgroupID] { return known.isEmpty ? nil : known }
        guard let text = proc.readText("\(proc.root)/\(hostPID)/cgroup") else { return nil }
        let id = CgroupResolver.containerID(inUnifiedLineOf: text)
        if cgroupContainers.count >= Self.maxProcesses { cgroupContainers.removeAll() } // a bound; read again
        cgroupContainers[cgroupID] = id ?? ""
        return id
    }

    /// After the event's own record: a process leaves the table at its exit, and the
    /// exit of a generation's PID 1 ends the generation (`container_exit`).
    public func finish(_ event: ProcessEvent, emit: (TraceRecord) -> Void) {
        guard event.kind == .exit, !event.isThread else { return }
        processes.removeValue(forKey: event.hostPID)
        var generation: Generation
        if let member = joined[event.pidns]?.first(where: { !$0.value.ended && $0.value.initHostPID == event.hostPID }) {
            generation = member.value
            generation.ended = true
            joined[event.pidns]![member.key] = generation
        } else if let owner = namespaces[event.pidns], !owner.ended, owner.initHostPID == event.hostPID {
            generation = owner
            generation.ended = true
            namespaces[event.pidns] = generation
            endedAt[event.pidns] = event.tsNs
        } else {
            return
        }
        emit(.containerExit(ContainerLifecycle(
            tsNs: event.tsNs, container: generation.attribution, initHostPID: event.hostPID,
            pidns: event.pidns, exit: event.exit, initNSPID: generation.initNSPID)))
        // Seen from its fork and never exec'd: the entrypoint never started.
        if !generation.initExeced { runtime?.whyNotStarted(generation.attribution, initHostPID: event.hostPID) }
    }

    private func claimNamespace(_ event: ProcessEvent, emit: (TraceRecord) -> Void) -> Decision {
        let inode = event.pidns
        // Watched by the kernel side from the fork on, or by us while the runtime was asked.
        let watchedHere = event.isWatchedTentatively || watchedWhileAsking.remove(inode) != nil
        // A namespace nested inside a followed container (Docker in Docker).
        if !event.isUnwatched, let parent = processes[event.hostPPID] {
            namespaces[inode] = Generation(attribution: parent, initHostPID: event.hostPID, nested: true)
            foreign[inode] = nil
            return .keep(parent)
        }
        // A (re)start of a followed container?
        if let id = containerID(ofNewNamespace: event) {
            if !registry.isFollowed(id) {
                for created in runtime?.takeCreated() ?? [] { follow(created) }
            }
            if !registry.isFollowed(id), !rejected.contains(id), let runtime {
                // The runtime may answer only once the container has started: keep the
                // namespace watched and its events held until it does.
                if !event.isWatchedTentatively {
                    watch(inode, initHostPID: event.hostPID, emit: emit)
                    watchedWhileAsking.insert(inode)
                }
                if !pending.values.contains(id) { runtime.ask(about: id) }
                pending[inode] = id
                return .hold
            }
            // Already started from the runtime's `start` event while this fork waited
            // for the runtime's answer: the same generation, not a second one.
            if let existing = namespaces[inode], !existing.ended, existing.attribution.id == id,
               existing.initHostPID == event.hostPID {
                return .keep(existing.attribution)
            }
            if registry.isFollowed(id) {
                // Watched from this fork on, its init's exec will be seen; else it may be past.
                let attribution = startGeneration(id: id, inode: inode, initHostPID: event.hostPID, tsNs: event.tsNs,
                                                  startedAt: nil, fromFork: !event.isUnwatched || event.isWatchedTentatively,
                                                  watchedAlready: event.isWatchedTentatively || watchedHere, emit: emit)
                // Unless the kernel side watched the namespace from this fork on, what
                // ran before the filter knew it is only in /proc now.
                if event.isUnwatched && !event.isWatchedTentatively {
                    snapshot(ProcessSnapshot.processes(inPIDNamespaceOf: Int32(event.hostPID), proc: proc),
                             tsNs: BootClock.nowBootNs(), observed: .claim, attribution: attribution, emit: emit)
                }
                return .keep(attribution)
            }
        }
        if !event.isUnwatched && namespaces[inode] == nil && keepsNamespacesOutsideContainers {
            return .keep(nil) // inside a --pid/--pidns filter: kept, no container
        }
        // Not ours. If the kernel side watches its inode (reused, or tentatively from
        // this fork on), stop, and drop what it sent meanwhile.
        if !event.isUnwatched || watchedHere {
            filter?.unwatch(pidNamespace: inode, initHostPID: event.hostPID)
            // Programs that saw it watched a moment ago may still commit events.
            foreign[inode] = BootClock.nowBootNs() + TraceRecord.orderSlackNs
            namespaces[inode] = nil
            Log.logger.debug("PID namespace not followed", metadata: ["pidns": "\(inode)"])
        }
        return .drop
    }

    /// Forgets dropped namespaces whose queued events are long read.
    public func prune(readUpToNs: UInt64) {
        if readUpToNs > 1_000_000_000, !foreign.isEmpty {
            foreign = foreign.filter { $0.value >= readUpToNs - 1_000_000_000 }
        }
        guard readUpToNs > Self.endedKeptNs, !endedAt.isEmpty else { return }
        for (inode, at) in endedAt where at < readUpToNs - Self.endedKeptNs {
            // The kernel reuses a freed inode: a new container there, asked about now (its
            // events held), must stay watched.
            guard pending[inode] == nil, !watchedWhileAsking.contains(inode) else { continue }
            endedAt[inode] = nil
            guard let generation = namespaces[inode], generation.ended,
                  joined[inode]?.values.contains(where: { !$0.ended }) != true else { continue }
            namespaces[inode] = nil
            joined[inode] = nil
            // Not unwatched from here: a new container's init may have forked into the
            // reused inode already, its events unread, and would lose them (seen in CI's
            // container soak). The kernel side drops the inode itself when the ended
            // init is released, before the inode can be reused.
            // Its events still in the ring are the ended generation's: dropped, not taken
            // for the host's (a new generation there clears this when it is claimed).
            foreign[inode] = readUpToNs + TraceRecord.orderSlackNs
            // A pod's container runs once: the kubelet restarts it under a new ID.
            if registry.isPodContainer(generation.attribution.id) { forget(containerID: generation.attribution.id) }
        }
    }

    /// The runtime removed a container (`docker rm`): nothing of it is kept but the
    /// namespaces of a run still ending, which `prune` forgets in turn.
    public func forget(containerID id: String) {
        registry.forget(id)
        rejected.remove(id)
        for (inode, members) in joined where members[id]?.ended == true { joined[inode]![id] = nil }
    }

    /// `fromFork`: begun at its init's fork, so its init's exec (if any) is still to come.
    /// `watchedAlready`: the kernel side watches the namespace (from the init's fork, or
    /// by us while the runtime was asked) until the init is released. Watching it again
    /// could come after that release, when the reader lags behind a container that
    /// exited at once, and would keep a dead namespace in the filter for good.
    private func startGeneration(id: String, inode: UInt32, initHostPID: UInt32, tsNs: UInt64,
                                 startedAt: String?, initNSPID: UInt32 = 1, fromFork: Bool = false,
                                 watchedAlready: Bool = false,
                                 emit: (TraceRecord) -> Void) -> ContainerAttribution {
        let attribution = registry.startRun(of: id, startNs: tsNs)
        let run = Generation(attribution: attribution, initHostPID: initHostPID, initNSPID: initNSPID,
                             initExeced: !fromFork)
        if initNSPID == 1 {
            namespaces[inode] = run
        } else {
            joined[inode, default: [:]][id] = run
        }
        foreign[inode] = nil
        // Tied to the namespace's init: this run's, or for one joining a shared namespace
        // the owner's (a pod's sandbox), when known.
        let namespaceInit = initNSPID == 1 ? initHostPID : namespaces[inode]?.initHostPID ?? 0
        if !watchedAlready { watch(inode, initHostPID: namespaceInit, emit: emit) }
        Log.logger.info("following a new generation", metadata: [
            "container": "\(attribution.name)", "generation": "\(attribution.generation)", "pidns": "\(inode)",
            "host_pid": "\(initHostPID)",
        ])
        emit(.containerStart(ContainerLifecycle(
            tsNs: tsNs, container: attribution, initHostPID: initHostPID, pidns: inode,
            startedAt: startedAt, initNSPID: initNSPID)))
        return attribution
    }

    /// Adds a namespace to the kernel side's filter. Were it full, the generation's
    /// events would be dropped in the kernel: said in the stream too.
    private func watch(_ inode: UInt32, initHostPID: UInt32, emit: (TraceRecord) -> Void) {
        do {
            try filter?.watch(pidNamespace: inode, initHostPID: initHostPID)
        } catch {
            Log.logger.error("\(error): this container generation's events are not recorded")
            emit(.notice(NoticeRecord(tsNs: BootClock.nowBootNs(), notice: Notice(kind: .filterFull, message:
                "\(error): the events of PID namespace \(inode) are not recorded"))))
        }
    }
}
