/// A generation while its records are read: the public `TraceReport.Generation` plus what is
/// needed to finish it (current node per host PID, pending zombies, PID 1's end).
struct GenerationState {
    var generation = TraceReport.Generation()
    /// With a limit (a live `--summary`), exited processes beyond it are forgotten
    /// (counted, not kept): a day-long trace must not keep every process.
    var nodeLimit: Int?
    /// Exited processes kept with a limit, the latest ones: an eighth of it.
    private var keptExited: Int { (nodeLimit ?? 0) / 8 }
    private var shrunk = false
    private var currentNode: [Int: Int] = [:]
    private var lastExited: [Int: Int] = [:]
    /// host PID → the zombie record and the node of the exited process.
    private var pendingZombies: [Int: (zombie: TraceReport.Zombie, node: Int?)] = [:]
    private var zombieOrder: [Int] = []
    private var initExit: TraceReport.ExitOutcome?
    private var containerExit: TraceReport.ExitOutcome?
    private var initOOM: TraceReport.OOMKill?
    /// Host PIDs of processes with an OOM kill, until the PID is seen reused.
    private var oomKilled: Set<Int> = []

    /// Takes `p` (a record with `ns_pid` 1, or a `container_start`) as the init unless one is known already.
    mutating func claimInit(_ p: RecordedProcess) {
        guard generation.initHostPID == nil, generation.pidns == nil || generation.pidns == p.pidns else { return }
        generation.initHostPID = p.hostPID
        generation.initNSPID = p.nsPID
        generation.pidns = p.pidns
    }

    private func isInit(_ p: RecordedProcess) -> Bool { generation.initHostPID == p.hostPID }

    /// Processes seen and not yet exited.
    var liveProcesses: Int { currentNode.count }

    mutating func fork(_ p: RecordedProcess, _ stamp: TraceReport.Stamp) {
        let index = newNode(p)
        generation.processes[index].firstSeen = stamp
        if isInit(p) { generation.start = generation.start ?? stamp }
    }

    mutating func exec(_ p: RecordedProcess, _ stamp: TraceReport.Stamp, _ argv: [String]) {
        generation.execSucceeded(hostPID: p.hostPID)
        let index = node(p)
        generation.processes[index].commands.append(argv)
        generation.processes[index].execArgv = argv
        if isInit(p) { bounded(&generation.execChain, TraceReport.ExecStep(stamp: stamp, argv: argv, runningAtStart: false)) }
    }

    /// `atClaim`: read from /proc when a generation that began during the trace was
    /// claimed late; its command is then not one PID 1 ran before the trace.
    mutating func snapshot(_ p: RecordedProcess, _ stamp: TraceReport.Stamp, _ argv: [String], atClaim: Bool) {
        let index = node(p)
        generation.processes[index].commands.append(argv)
        if isInit(p) {
            bounded(&generation.execChain, TraceReport.ExecStep(stamp: stamp, argv: argv, runningAtStart: !atClaim))
            generation.start = generation.start ?? stamp
        }
    }

    mutating func exit(_ p: RecordedProcess, _ stamp: TraceReport.Stamp, _ outcome: TraceReport.ExitOutcome?) {
        let index = node(p)
        generation.processes[index].exit = outcome
        generation.processes[index].exitStamp = stamp
        currentNode[p.hostPID] = nil // a later record with this host PID is a new process
        lastExited[p.hostPID] = index
        if isInit(p) {
            initExit = outcome
            generation.end = stamp
            generation.initStartNs = p.startNs
        }
    }

    mutating func execFailed(_ p: RecordedProcess, _ stamp: TraceReport.Stamp, path: String, argv: [String],
                             errno: Int?, error: String) {
        _ = node(p)
        generation.execFailed(TraceReport.FailedExec(process: p.ref, stamp: stamp, path: path, argv: argv,
                                                     errno: errno, error: error, byInit: isInit(p)))
    }

    mutating func containerExit(_ stamp: TraceReport.Stamp, _ outcome: TraceReport.ExitOutcome?) {
        containerExit = outcome
        generation.end = generation.end ?? stamp
    }

    /// Signals that change a process's fate are kept, per process and for PID 1; the
    /// rest (SIGCHLD, SIGURG, ...) are only counted.
    mutating func signal(_ p: RecordedProcess, _ signal: TraceReport.Signal) {
        // The teardown's SIGKILL to PID 1's own other threads (each has a PID in the
        // namespace): PID 1 is already exiting; no request to it, no process left.
        if isInit(p) && signal.origin == "pidns_teardown" {
            generation.otherSignalsToInit[Self.teardownToThreads, default: 0] += 1
            return
        }
        guard SignalCause.changesFate(Int32(clamping: signal.number)) else {
            if isInit(p) { generation.otherSignalsToInit[signal.name, default: 0] += 1 }
            return
        }
        // The namespace's teardown SIGKILL to PID 1's own other threads (the record names
        // the process): neither a process left behind nor a signal PID 1 got.
        if isInit(p) && signal.origin == "pidns_teardown" { return }
        if isInit(p) { bounded(&generation.signalsToInit, signal) }
        // A signal can trail its target's exit (SIGIO as its files close): that process, not a new one.
        let index = currentNode[p.hostPID] ?? lastExited[p.hostPID] ?? node(p)
        bounded(&generation.processes[index].signals, signal)
    }

    mutating func runtimeEvent(_ event: TraceReport.RuntimeEvent) {
        bounded(&generation.runtimeEvents, event)
    }

    /// How the teardown's SIGKILLs to PID 1's threads are counted among its other signals.
    static let teardownToThreads = "SIGKILL to its own threads (namespace teardown)"

    /// One per process: the OOM killer marks each thread of its victim.
    mutating func oomKill(_ kill: TraceReport.OOMKill) {
        guard oomKilled.insert(kill.process.hostPID).inserted else { return }
        bounded(&generation.oomKills, kill)
        if generation.initHostPID == kill.process.hostPID { initOOM = kill }
    }

    mutating func zombie(_ z: TraceReport.Zombie) {
        let pid = z.process.hostPID
        if pendingZombies.updateValue((z, lastExited[pid]), forKey: pid) == nil { zombieOrder.append(pid) }
    }

    mutating func reap(_ z: TraceReport.Zombie, lateAfterNs: Int) {
        pendingZombies[z.process.hostPID] = nil
        if let ns = z.zombieNs, ns > lateAfterNs { bounded(&generation.reapedLate, z) }
    }

    /// The node of the live process with this host PID, made on first sight.
    private mutating func node(_ p: RecordedProcess) -> Int {
        if let index = currentNode[p.hostPID] {
            if generation.processes[index].process.nsPID == nil { generation.processes[index].process.nsPID = p.nsPID }
            generation.processes[index].process.comm = p.comm ?? generation.processes[index].process.comm
            return index
        }
        return newNode(p)
    }

    private mutating func newNode(_ p: RecordedProcess) -> Int {
        if let nodeLimit, generation.processes.count >= nodeLimit { forgetExited() }
        generation.processesSeen += 1
        oomKilled.remove(p.hostPID)
        generation.processes.append(TraceReport.ProcessNode(process: p.ref, hostPPID: p.hostPPID, isInit: isInit(p)))
        currentNode[p.hostPID] = generation.processes.count - 1
        return generation.processes.count - 1
    }

    /// Appends; with a limit, a list past 256 keeps its first 128 and its latest
    /// entries (the first SIGTERM and the last SIGKILL both matter).
    private func bounded<T>(_ list: inout [T], _ item: T) {
        if nodeLimit != nil && list.count >= 256 { list.remove(at: 128) }
        list.append(item)
    }

    /// With a limit: an ended generation (its next one has begun) keeps only what its
    /// report needs — PID 1, processes that got a signal that matters (the stop story),
    /// pending zombies — so thousands of generations stay small.
    mutating func shrinkEnded() {
        guard nodeLimit != nil, generation.end != nil, !shrunk else { return }
        shrunk = true
        let zombieNodes = Set(pendingZombies.values.compactMap(\.node))
        var keep = Set(generation.processes.indices.filter {
            generation.processes[$0].isInit || !generation.processes[$0].signals.isEmpty || zombieNodes.contains($0)
        })
        if keep.count > 64 { keep = Set(keep.sorted().prefix(64)).union(zombieNodes) }
        retain(keep)
    }

    /// Keeps the nodes at `indices`, renumbering the tables that point in.
    private mutating func retain(_ indices: Set<Int>) {
        var renumbered: [Int: Int] = [:]
        var kept: [TraceReport.ProcessNode] = []
        for (i, node) in generation.processes.enumerated() where indices.contains(i) {
            renumbered[i] = kept.count
            kept.append(node)
        }
        generation.processes = kept
        currentNode = currentNode.compactMapValues { renumbered[$0] }
        lastExited = lastExited.compactMapValues { renumbered[$0] }
        pendingZombies = pendingZombies.mapValues { ($0.zombie, $0.node.flatMap { renumbered[$0] }) }
    }

    /// Drops exited processes but the latest few; keeps PID 1, the live ones and
    /// those whose zombie is still pending, and renumbers the tables that point in.
    private mutating func forgetExited() {
        let live = Set(currentNode.values)
        let zombieNodes = Set(pendingZombies.values.compactMap(\.node))
        let exited = generation.processes.indices.filter { !live.contains($0) }
        let recent = Set(exited.suffix(keptExited))
        retain(Set(generation.processes.indices.filter {
            generation.processes[$0].isInit || live.contains($0) || zombieNodes.contains($0) || recent.contains($0)
        }))
        // Room for a while: compacting again at once would cost on every process.
        nodeLimit = max(nodeLimit ?? 0, generation.processes.count * 2)
    }

    consuming func finish() -> TraceReport.Generation {
        var listed: Set<Int> = []
        for pid in zombieOrder where listed.insert(pid).inserted {
            guard let (zombie, node) = pendingZombies[pid] else { continue }
            generation.neverReaped.append(zombie)
            if let node { generation.processes[node].neverReaped = true }
        }
        ProcessParents.link(&generation.processes)
        generation.ending = ending()
        return generation
    }

    private func ending() -> TraceReport.Ending? {
        if let initOOM { return .oomKilled(memcgID: initOOM.memcgID) }
        switch initExit ?? containerExit {
        case let .code(code)?:
            return .exited(code: code)
        case let .signal(number, name, core)?:
            let sender = generation.signalsToInit.last { $0.number == number }?.sender
            return .killed(signal: number, name: name, coreDumped: core, sender: sender)
        case nil:
            return nil
        }
    }
}
