/// Follows containers across restarts. Each run of a container has its own PID
/// namespace; the kernel may reuse a freed namespace's inode number, so a
/// generation is identified by (inode, its init's host PID and start time), and a
/// new namespace is claimed for a container by the container ID in its init's
/// cgroup path — before that init execs the entrypoint (runc applies the cgroup
/// before it creates the namespace).
///
/// Used from the ring-buffer reader thread only; `requestCheck` is the one door
/// for other threads (the Docker events stream).
public final class ContainerTracker {
    struct Generation {
        var attribution: ContainerAttribution
        var initHostPID: UInt32
        var ended = false
        /// A pod's sandbox: other containers of the pod may share its namespace.
        var podSandbox = false
    }

    /// Followed containers by full ID → name and generations so far.
    private var followed: [String: (name: String, generations: Int)] = [:]
    private var namespaces: [UInt32: Generation] = [:]
    /// Namespaces dropped (not a followed container's, or an inode reused by one that
    /// is not): their events up to the time they were dropped are still in the ring.
    private var foreign: [UInt32: UInt64] = [:]
    /// Live processes of followed containers, for nested namespaces and parents.
    private var processes: [UInt32: ContainerAttribution] = [:]
    private let proc: ProcReader
    /// With names awaited (--wait): asks the runtime, off this thread, whether an
    /// unknown container ID has an awaited name; the answer comes to `settle`.
    public var askName: ((String) -> Void)?
    /// New namespaces of containers whose name the runtime is asked for → their ID.
    /// Their events are held meanwhile (`Decision.hold`).
    private var pending: [UInt32: String] = [:]
    /// IDs the runtime said are not awaited.
    private var rejected: Set<String> = []
    /// Pending namespaces we added to the kernel filter ourselves.
    private var watchedWhileAsking: Set<UInt32> = []
    /// Containers the runtime reported created, not yet handed over: taken before a new
    /// namespace is judged, so a `docker run` is claimed from its `create` event.
    public var takeCreated: (() -> [(id: String, name: String)])?
    /// The kernel side's namespace filter; set once the tracer is loaded, before events.
    public var filter: (any NamespaceFilter)?
    /// The runtime of containers not described one by one (Docker or Podman).
    public var defaultRuntime: String?
    /// Pod and runtime of followed containers, by ID (for their records).
    private var identities: [String: (pod: PodMeta?, runtime: String?)] = [:]
    /// Generations per pod container by `namespace/pod/container`: the kubelet
    /// re-creates a container under a new ID, and that is its next generation.
    private var podGenerations: [String: Int] = [:]
    /// Containers sharing their pod's PID namespace (not its init): their init's host
    /// PID → the generation, and the live one per container ID.
    private var joinedInits: [UInt32: ContainerAttribution] = [:]
    private var joinedLive: [String: UInt32] = [:]
    /// Each followed container's latest generation, for what the runtime says of it.
    private var latest: [String: ContainerAttribution] = [:]

    public init(proc: ProcReader = ProcReader()) {
        self.proc = proc
    }

    static let maxProcesses = 1 << 16

    public var followedCount: Int { followed.count }

    /// The latest generation of a followed container; nil before its first.
    public func latestGeneration(ofContainer id: String) -> ContainerAttribution? { latest[id] }
    /// Generations begun during this trace, over all followed containers.
    public var generationCount: Int { followed.values.reduce(0) { $0 + $1.generations } }

    /// Follows a container; a running one starts its first generation now, with
    /// `container_start` and a `snapshot` record per process already inside.
    /// `processes`: the /proc scan, when it was made off the reader thread.
    public func follow(_ info: ContainerInfo, tsNs: UInt64, processes: [ProcessEntry]? = nil,
                       emit: (TraceRecord) -> Void) {
        if followed[info.id] == nil { followed[info.id] = (info.name ?? info.shortID, 0) }
        describe(id: info.id, pod: info.pod, runtime: info.runtime)
        guard info.running, info.hostPID > 0, let inode = info.pidnsInode,
              namespaces[inode].map({ $0.ended || $0.attribution.id != info.id }) ?? true else { return }
        // This very run, already seen to end: the runtime's answer is older than its
        // exit (and /proc may show a PID 1 in the middle of exiting as running).
        if let seen = namespaces[inode], seen.attribution.id == info.id, seen.initHostPID == UInt32(info.hostPID) { return }
        // The runtime's answer may be stale (a crash loop between inspect and attach):
        // a PID 1 that is gone now would read as "still running" forever, since its
        // exit happened before the tracer was attached.
        guard isAlive(hostPID: info.hostPID, inNamespace: inode) else {
            Log.logger.info("container's PID 1 is gone already; following its next start", metadata: [
                "container": "\(followed[info.id]?.name ?? info.shortID)", "host_pid": "\(info.hostPID)"])
            return
        }
        // Not always 1: Podman's `pod --share pid` runs catatonit as PID 1.
        let attribution = startGeneration(id: info.id, inode: inode, initHostPID: UInt32(info.hostPID),
                                           tsNs: tsNs, startedAt: info.startedAt,
                                           initNSPID: proc.nsPIDs(pid: info.hostPID)?.last ?? 1, emit: emit)
        let entries = processes ?? ProcessSnapshot.processes(inPIDNamespaceOf: info.hostPID, proc: proc)
        snapshot(entries, tsNs: tsNs, observed: .traceStart, attribution: attribution, emit: emit)
    }

    /// Follows a container that shares its pod's PID namespace (followed already, as
    /// the sandbox's): its init is not the namespace's PID 1, so its generation is
    /// kept by the init's host PID rather than by the namespace.
    public func followJoined(_ info: ContainerInfo, tsNs: UInt64, processes: [ProcessEntry],
                             emit: (TraceRecord) -> Void) {
        if followed[info.id] == nil { followed[info.id] = (info.name ?? info.shortID, 0) }
        describe(id: info.id, pod: info.pod, runtime: info.runtime)
        guard info.running, info.hostPID > 0, let inode = info.pidnsInode, joinedLive[info.id] == nil,
              isAlive(hostPID: info.hostPID, inNamespace: inode) else { return }
        let attribution = startGeneration(id: info.id, inode: inode, initHostPID: UInt32(info.hostPID), tsNs: tsNs,
                                          startedAt: info.startedAt, joined: true,
                                          initNSPID: proc.nsPIDs(pid: info.hostPID)?.last ?? 0, emit: emit)
        snapshot(processes, tsNs: tsNs, observed: .traceStart, attribution: attribution, emit: emit)
    }

    /// Pod and runtime of a container, for the records of its processes.
    public func describe(id: String, pod: PodMeta?, runtime: String?) {
        if pod != nil || runtime != nil { identities[id] = (pod, runtime) }
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
        if followed[id] == nil { followed[id] = (name, 0) }
    }

    /// The live generation running in a PID namespace, if any.
    public func container(ofPIDNamespace inode: UInt32) -> ContainerAttribution? {
        guard let generation = namespaces[inode], !generation.ended, foreign[inode] == nil else { return nil }
        return generation.attribution
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
        if name == nil && followed[id] == nil {
            for (created, createdName) in takeCreated?() ?? [] { follow(id: created, name: createdName) }
        }
        if let name {
            if followed[id] == nil { followed[id] = (name, 0) }
            describe(id: id, pod: pod, runtime: runtime)
        } else if followed[id] != nil {
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
        if event.startsNewPIDNamespace {
            switch claimNamespace(event, emit: emit) {
            case let .keep(claimed): attribution = claimed
            case .hold: return .hold
            case .drop: return .drop
            }
        } else if pending[inode] != nil {
            return .hold
        } else if let until = foreign[inode], event.tsNs <= until {
            return .drop
        } else if let generation = namespaces[inode] {
            if generation.podSandbox && !generation.ended {
                switch podMember(event, sandbox: generation.attribution, emit: emit) {
                case let .keep(member): attribution = member
                case .hold: return .hold
                case .drop: return .drop
                }
            } else {
                attribution = generation.attribution
            }
        } else {
            attribution = processes[event.hostPID] ?? processes[event.hostPPID]
        }
        if let attribution, !event.isThread, event.kind == .fork || event.kind == .exec {
            // Exits lost in a full ring would leave entries behind: a bound. Only nested
            // namespaces' parents are looked up here; a namespace's own generation
            // attributes the rest.
            if processes.count >= Self.maxProcesses { processes.removeAll(keepingCapacity: true) }
            processes[event.hostPID] = attribution
        }
        return .keep(attribution)
    }

    /// A process in a pod's shared PID namespace belongs to the container whose
    /// cgroup it is in: a process entering the namespace from outside (runc's init of
    /// a container joining the pod's namespace) starts that container's generation.
    private func podMember(_ event: ProcessEvent, sandbox: ContainerAttribution, emit: (TraceRecord) -> Void) -> Decision {
        if let known = processes[event.hostPID] { return .keep(known) }
        if event.kind == .fork, let parent = processes[event.hostPPID] { return .keep(parent) }
        guard event.kind == .fork, !event.isThread,
              let text = proc.readText("\(proc.root)/\(event.hostPID)/cgroup"),
              let id = CgroupResolver.containerID(inCgroupFile: text), id != sandbox.id else { return .keep(sandbox) }
        if followed[id] != nil {
            // An exec into a running container joins its live generation.
            if let live = joinedLive[id], let attribution = joinedInits[live] { return .keep(attribution) }
            return .keep(startGeneration(id: id, inode: event.pidns, initHostPID: event.hostPID, tsNs: event.tsNs,
                                         startedAt: nil, joined: true, initNSPID: event.nsPID, emit: emit))
        }
        if !rejected.contains(id), let askName {
            if !pending.values.contains(id) { askName(id) }
            pending[event.pidns] = id
            return .hold
        }
        return .keep(sandbox)
    }

    /// After the event's own record: a process leaves the table at its exit, and the
    /// exit of a generation's PID 1 ends the generation (`container_exit`).
    public func finish(_ event: ProcessEvent, emit: (TraceRecord) -> Void) {
        guard event.kind == .exit, !event.isThread else { return }
        processes.removeValue(forKey: event.hostPID)
        if let joined = joinedInits.removeValue(forKey: event.hostPID) {
            if joinedLive[joined.id] == event.hostPID { joinedLive[joined.id] = nil }
            emit(.containerExit(ContainerLifecycle(
                tsNs: event.tsNs, container: joined, initHostPID: event.hostPID, pidns: event.pidns, exit: event.exit,
                initNSPID: event.nsPID)))
            return
        }
        guard var generation = namespaces[event.pidns], !generation.ended,
              generation.initHostPID == event.hostPID else { return }
        generation.ended = true
        namespaces[event.pidns] = generation
        emit(.containerExit(ContainerLifecycle(
            tsNs: event.tsNs, container: generation.attribution, initHostPID: event.hostPID,
            pidns: event.pidns, exit: event.exit)))
    }

    private func claimNamespace(_ event: ProcessEvent, emit: (TraceRecord) -> Void) -> Decision {
        let inode = event.pidns
        // Watched by the kernel side from the fork on, or by us while the runtime was asked.
        let watchedHere = event.isWatchedTentatively || watchedWhileAsking.remove(inode) != nil
        // A namespace nested inside a followed container (Docker in Docker).
        if !event.isUnwatched, let parent = processes[event.hostPPID] {
            namespaces[inode] = Generation(attribution: parent, initHostPID: event.hostPID)
            foreign[inode] = nil
            return .keep(parent)
        }
        // A (re)start of a followed container?
        if let text = proc.readText("\(proc.root)/\(event.hostPID)/cgroup"),
           let id = CgroupResolver.containerID(inCgroupFile: text) {
            if followed[id] == nil {
                for (created, name) in takeCreated?() ?? [] { follow(id: created, name: name) }
            }
            if followed[id] == nil, !rejected.contains(id), let askName {
                // The runtime may answer only once the container has started: keep the
                // namespace watched and its events held until it does.
                if !event.isWatchedTentatively {
                    watch(inode, emit: emit)
                    watchedWhileAsking.insert(inode)
                }
                if !pending.values.contains(id) { askName(id) }
                pending[inode] = id
                return .hold
            }
            // Already started from the runtime's `start` event while this fork waited
            // for the runtime's answer: the same generation, not a second one.
            if let existing = namespaces[inode], !existing.ended, existing.attribution.id == id,
               existing.initHostPID == event.hostPID {
                return .keep(existing.attribution)
            }
            if followed[id] != nil {
                let attribution = startGeneration(id: id, inode: inode, initHostPID: event.hostPID,
                                                  tsNs: event.tsNs, startedAt: nil, emit: emit)
                // Unless the kernel side watched the namespace from this fork on, what
                // ran before the filter knew it is only in /proc now.
                if event.isUnwatched && !event.isWatchedTentatively {
                    snapshot(ProcessSnapshot.processes(inPIDNamespaceOf: Int32(event.hostPID), proc: proc),
                             tsNs: BootClock.nowBootNs(), observed: .claim, attribution: attribution, emit: emit)
                }
                return .keep(attribution)
            }
        }
        if !event.isUnwatched && namespaces[inode] == nil {
            return .keep(nil) // inside a --pid/--pidns filter: kept, no container
        }
        // Not ours. If the kernel side watches its inode (reused, or tentatively from
        // this fork on), stop, and drop what it sent meanwhile.
        if !event.isUnwatched || watchedHere {
            filter?.unwatch(pidNamespace: inode)
            // Programs that saw it watched a moment ago may still commit events.
            foreign[inode] = BootClock.nowBootNs() + TraceRecord.orderSlackNs
            namespaces[inode] = nil
            Log.logger.debug("PID namespace not followed", metadata: ["pidns": "\(inode)"])
        }
        return .drop
    }

    /// Forgets dropped namespaces whose queued events are long read.
    public func prune(readUpToNs: UInt64) {
        guard readUpToNs > 1_000_000_000, !foreign.isEmpty else { return }
        foreign = foreign.filter { $0.value >= readUpToNs - 1_000_000_000 }
    }

    private func startGeneration(id: String, inode: UInt32, initHostPID: UInt32, tsNs: UInt64,
                                 startedAt: String?, joined: Bool = false, initNSPID: UInt32 = 1,
                                 emit: (TraceRecord) -> Void) -> ContainerAttribution {
        var entry = followed[id] ?? (String(id.prefix(12)), 0)
        entry.generations += 1
        followed[id] = entry
        let identity = identities[id]
        var generation = entry.generations
        if let pod = identity?.pod {
            let key = "\(pod.namespace)/\(pod.name)/\(entry.name)"
            generation = (podGenerations[key] ?? 0) + 1
            podGenerations[key] = generation
        }
        let attribution = ContainerAttribution(id: id, name: entry.name, generation: generation,
                                               pod: identity?.pod, runtime: identity?.runtime ?? defaultRuntime)
        latest[id] = attribution
        if joined {
            joinedInits[initHostPID] = attribution
            joinedLive[id] = initHostPID
        } else {
            namespaces[inode] = Generation(attribution: attribution, initHostPID: initHostPID,
                                           podSandbox: identity?.pod?.isSandbox == true)
            foreign[inode] = nil
        }
        watch(inode, emit: emit)
        Log.logger.info("following a new generation", metadata: [
            "container": "\(entry.name)", "generation": "\(entry.generations)", "pidns": "\(inode)",
            "host_pid": "\(initHostPID)",
        ])
        emit(.containerStart(ContainerLifecycle(
            tsNs: tsNs, container: attribution, initHostPID: initHostPID, pidns: inode,
            startedAt: startedAt, initNSPID: initNSPID)))
        return attribution
    }

    /// Adds a namespace to the kernel side's filter. Were it full, the generation's
    /// events would be dropped in the kernel: said in the stream too.
    private func watch(_ inode: UInt32, emit: (TraceRecord) -> Void) {
        do {
            try filter?.watch(pidNamespace: inode)
        } catch {
            Log.logger.error("\(error): this container generation's events are not recorded")
            emit(.notice(NoticeRecord(tsNs: BootClock.nowBootNs(), notice: Notice(kind: .filterFull, message:
                "\(error): the events of PID namespace \(inode) are not recorded"))))
        }
    }
}
