/// Folds records, in time order, into a `TraceReport`: the one place a generation's
/// story is built, for a file's lines and a live trace's records alike (`StoryTracker`).
///
/// Records go to a generation by container id + `container_generation` when they
/// carry a container, else by PID namespace inode; a new PID 1 (a fork, exec or
/// snapshot with `ns_pid` 1 and another host PID) in a namespace starts a new
/// generation there, since the kernel reuses namespace inodes. A `container_start`
/// names its generation's init whatever its `ns_pid` (a container that joined a pod's
/// shared namespace is not PID 1 there).
///
/// A container's generation ends when its namespace is torn down: after its
/// `container_exit`, once no process of it is left (the kernel kills the rest when PID 1
/// exits), or `endGraceNs` later when an exit was never recorded; `takeEnded()` has it then.
/// A run whose init never exec'd anything also waits, within that grace, for what its
/// runtime says of it (`Generation.awaitsRuntime`): why it could not start it.
struct ReportBuilder {
    /// A reap slower than this is "reaped late".
    let lateReapNs: Int
    private var report = TraceReport()
    /// By order of first record; an ended generation leaves when `keepEnded` is false.
    private var states: [Int: GenerationState] = [:]
    private var nextState = 0
    /// Generations whose `container_exit` was read, with the record time by which they end.
    private var ending: [Int: Int] = [:]
    private var byContainer: [String: [Int: Int]] = [:]
    private var latestGeneration: [String: Int] = [:]
    private var byPIDNamespace: [Int?: Int] = [:]
    private var sessionLost = 0
    /// The generation the last process record went to.
    private var lastRouted: Int?

    /// Process nodes kept per generation before exited ones are forgotten; nil keeps
    /// all (a file's `tree` needs them; a live `--summary` must stay bounded).
    let nodeLimit: Int?

    /// Container generations that ended since the last `takeEnded()`, as `finish` would tell them.
    private var ended: [TraceReport.Generation] = []
    /// false: an ended generation is forgotten once told (`takeEnded`) (a live table
    /// needs nothing more of it); its late records (reaps) are then dropped.
    let keepEnded: Bool
    /// After `container_exit`, how long the processes left may take to be recorded gone.
    static let endGraceNs = 2_000_000_000

    init(lateReapNs: Int, nodeLimit: Int? = nil, keepEnded: Bool = true) {
        self.lateReapNs = lateReapNs
        self.nodeLimit = nodeLimit
        self.keepEnded = keepEnded
    }

    mutating func malformed(line: Int, _ message: String) {
        report.diagnostics.append(TraceReport.Diagnostic(line: line, message: message))
    }

    /// A line that decoded as a record this reader does not know.
    mutating func skipUnknown() { report.stream.records += 1 }

    mutating func add(_ record: ReportRecord) {
        report.stream.records += 1
        switch record {
        case let .start(stamp, hostname, version):
            flushSessionLost()
            report.stream.complete = false
            report.stream.hostname = report.stream.hostname ?? hostname
            report.stream.version = report.stream.version ?? version
            report.stream.startTime = report.stream.startTime ?? stamp.time
        case let .stop(stamp, lost, reason):
            endAll()
            report.stream.complete = true
            report.stream.stopReason = reason
            report.stream.stopTime = stamp.time
            report.stream.lost = saturatingSum(report.stream.lost, lost.map { max(0, $0) } ?? sessionLost)
            sessionLost = 0
        case let .lost(count):
            sessionLost = saturatingSum(sessionLost, count)
        case let .fork(stamp, p): process(p, claimsInit: true) { $0.fork(p, stamp) }
        case let .exec(stamp, p, argv): process(p, claimsInit: true) { $0.exec(p, stamp, argv) }
        case let .snapshot(stamp, p, argv, atClaim):
            process(p, claimsInit: true) { $0.snapshot(p, stamp, argv, atClaim: atClaim) }
        case let .exit(stamp, p, outcome): process(p, claimsInit: false) { $0.exit(p, stamp, outcome) }
        case let .containerStart(stamp, p):
            // Its init, whatever its ns_pid: a container that joined a shared namespace
            // (a pod's) is not PID 1 there.
            process(p, claimsInit: true, anyNSPID: true) { $0.generation.start = stamp }
        case let .containerExit(stamp, p, outcome):
            process(p, claimsInit: false) { $0.containerExit(stamp, outcome) }
            if let index = lastRouted, states[index] != nil {
                ending[index] = (stamp.tsNs ?? 0) + Self.endGraceNs
                endIfEmpty(index)
            }
        case let .signal(p, signal):
            var signal = signal
            signal.target = p.ref
            process(p, claimsInit: false) { [signal] in $0.signal(p, signal) }
        case let .oomKill(stamp, p, memcgID):
            process(p, claimsInit: false) { $0.oomKill(TraceReport.OOMKill(process: p.ref, stamp: stamp, memcgID: memcgID)) }
        case let .zombie(stamp, p, zombieNs):
            process(p, claimsInit: false) { $0.zombie(TraceReport.Zombie(process: p.ref, stamp: stamp, zombieNs: zombieNs)) }
        case let .runtimeEvent(c, event):
            runtimeEvent(c, event)
        case let .execFailed(stamp, p, path, argv, errno, error):
            process(p, claimsInit: false) { $0.execFailed(p, stamp, path: path, argv: argv, errno: errno, error: error) }
        case let .reap(p, zombie):
            let late = lateReapNs
            process(p, claimsInit: false) { $0.reap(zombie, lateAfterNs: late) }
        }
    }

    consuming func finish() -> TraceReport {
        flushSessionLost()
        report.generations = states.keys.sorted().map { states[$0]!.finish() }
        return report
    }

    /// Ends the generations whose grace ran out by `tsNs` (a live trace calls this as time passes).
    mutating func expire(atNs tsNs: Int) {
        for (index, deadline) in ending where deadline <= tsNs { end(index) }
    }

    /// Ends every generation whose `container_exit` was read (the trace stops).
    mutating func endAll() {
        for index in ending.keys.sorted() { end(index) }
    }

    private mutating func endIfEmpty(_ index: Int) {
        guard ending[index] != nil, let state = states[index], state.liveProcesses == 0 else { return }
        if !state.generation.awaitsRuntime { end(index) }
    }

    private mutating func end(_ index: Int) {
        guard ending.removeValue(forKey: index) != nil, let state = states[index] else { return }
        if !keepEnded {
            states[index] = nil
            forgetRoutes()
        }
        ended.append(state.finish())
    }

    /// A forgotten generation's routes stay, so that its late records (a reap) are
    /// dropped rather than start a generation of their own; past `routesKept` containers
    /// (a node agent's weeks of them) only the live generations' are kept.
    private mutating func forgetRoutes() {
        guard byContainer.count > Self.routesKept || byPIDNamespace.count > Self.routesKept else { return }
        byContainer = byContainer.filter { $0.value.values.contains { states[$0] != nil } }
        latestGeneration = latestGeneration.filter { byContainer[$0.key] != nil }
        byPIDNamespace = byPIDNamespace.filter { states[$0.value] != nil }
    }

    static let routesKept = 16384
    /// Routes known (containers and PID namespaces): bounded when ended generations are forgotten.
    var routeCount: Int { byContainer.count + byPIDNamespace.count }

    mutating func takeEnded() -> [TraceReport.Generation] {
        defer { ended.removeAll() }
        return ended
    }

    private mutating func flushSessionLost() {
        report.stream.lost = saturatingSum(report.stream.lost, sessionLost)
        sessionLost = 0
    }

    /// Counts come from the file: a hostile one must not overflow them.
    private func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    /// Routes a process record to its generation and applies `update`. Thread records
    /// only matter for thread-level tracing; the report is about processes.
    private mutating func process(_ p: RecordedProcess, claimsInit: Bool, anyNSPID: Bool = false,
                                  _ update: (inout GenerationState) -> Void) {
        guard !p.isThread else { return }
        let claims = claimsInit && (p.nsPID == 1 || anyNSPID)
        let index = route(p, claimsInit: claims)
        lastRouted = index
        guard states[index] != nil else { return } // ended and forgotten
        if claims { states[index]!.claimInit(p) }
        update(&states[index]!)
        if !ending.isEmpty { endIfEmpty(index) }
    }

    private mutating func route(_ p: RecordedProcess, claimsInit: Bool) -> Int {
        if let c = p.container {
            let number = c.generation ?? latestGeneration[c.id] ?? 1
            let index: Int
            if let known = byContainer[c.id]?[number] {
                index = known
                if states[index]?.generation.container?.name == nil { states[index]?.generation.container?.name = c.name }
                if states[index]?.generation.container?.runtime == nil { states[index]?.generation.container?.runtime = c.runtime }
                if states[index]?.generation.container?.pod == nil { states[index]?.generation.container?.pod = c.pod }
            } else {
                index = newState(pidns: nil, container: TraceReport.ContainerIdentity(id: c.id, name: c.name, generation: number,
                                                                                          runtime: c.runtime, pod: c.pod))
                byContainer[c.id, default: [:]][number] = index
                latestGeneration[c.id] = max(number, latestGeneration[c.id] ?? number)
            }
            if claimsInit, let state = states[index], state.generation.pidns == nil || state.generation.pidns == p.pidns {
                states[index]!.generation.pidns = p.pidns
                byPIDNamespace[p.pidns] = index
            }
            return index
        }
        if let index = byPIDNamespace[p.pidns] {
            let initPID = states[index]?.generation.initHostPID
            if !claimsInit || initPID == nil || initPID == p.hostPID { return index }
        }
        let index = newState(pidns: p.pidns, container: nil)
        byPIDNamespace[p.pidns] = index
        return index
    }

    /// To the container's generation the record names: the tracer placed it by the
    /// runtime's own time (ContainerTracker.generation(ofContainer:atNs:action:)). One
    /// whose generation is not here (forgotten once ended) is dropped.
    private mutating func runtimeEvent(_ c: RecordedContainer, _ event: TraceReport.RuntimeEvent) {
        guard let index = byContainer[c.id]?[c.generation ?? latestGeneration[c.id] ?? 0], states[index] != nil else { return }
        states[index]!.runtimeEvent(event)
    }

    private mutating func newState(pidns: Int?, container: TraceReport.ContainerIdentity?) -> Int {
        if nodeLimit != nil {
            for i in Array(states.keys) { states[i]!.shrinkEnded() }
        }
        var state = GenerationState()
        state.nodeLimit = nodeLimit
        state.generation.pidns = pidns
        state.generation.container = container
        nextState += 1
        states[nextState] = state
        return nextState
    }
}
