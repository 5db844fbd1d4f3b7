/// Folds decoded records, in file order, into a `TraceReport`.
///
/// Records go to a generation by container id + `container_generation` when they
/// carry a container, else by PID namespace inode; a new PID 1 (a fork, exec or
/// snapshot with `ns_pid` 1 and another host PID) in a namespace starts a new
/// generation there, since the kernel reuses namespace inodes.
struct ReportBuilder {
    /// A reap slower than this is "reaped late".
    let lateReapNs: Int
    private var report = TraceReport()
    private var states: [GenerationState] = []
    private var byContainer: [String: [Int: Int]] = [:]
    private var latestGeneration: [String: Int] = [:]
    private var byPIDNamespace: [Int?: Int] = [:]
    private var sessionLost = 0

    /// Process nodes kept per generation before exited ones are forgotten; nil keeps
    /// all (a file's `tree` needs them; a live `--summary` must stay bounded).
    let nodeLimit: Int?

    init(lateReapNs: Int, nodeLimit: Int? = nil) {
        self.lateReapNs = lateReapNs
        self.nodeLimit = nodeLimit
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
            process(p, claimsInit: true) { $0.generation.start = stamp }
        case let .containerExit(stamp, p, outcome):
            process(p, claimsInit: false) { $0.containerExit(stamp, outcome) }
        case let .signal(p, signal):
            var signal = signal
            signal.target = p.ref
            process(p, claimsInit: false) { [signal] in $0.signal(p, signal) }
        case let .oomKill(stamp, p, memcgID):
            process(p, claimsInit: false) { $0.oomKill(TraceReport.OOMKill(process: p.ref, stamp: stamp, memcgID: memcgID)) }
        case let .zombie(stamp, p, zombieNs):
            process(p, claimsInit: false) { $0.zombie(TraceReport.Zombie(process: p.ref, stamp: stamp, zombieNs: zombieNs)) }
        case let .execFailed(stamp, p, path, argv, errno, error):
            process(p, claimsInit: false) { $0.execFailed(p, stamp, path: path, argv: argv, errno: errno, error: error) }
        case let .reap(p, zombie):
            let late = lateReapNs
            process(p, claimsInit: false) { $0.reap(zombie, lateAfterNs: late) }
        }
    }

    consuming func finish() -> TraceReport {
        flushSessionLost()
        report.generations = states.map { $0.finish() }
        return report
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
    private mutating func process(_ p: RecordedProcess, claimsInit: Bool, _ update: (inout GenerationState) -> Void) {
        guard !p.isThread else { return }
        let claims = claimsInit && p.nsPID == 1
        let index = route(p, claimsInit: claims)
        if claims { states[index].claimInit(p) }
        update(&states[index])
    }

    private mutating func route(_ p: RecordedProcess, claimsInit: Bool) -> Int {
        if let c = p.container {
            let number = c.generation ?? latestGeneration[c.id] ?? 1
            let index: Int
            if let known = byContainer[c.id]?[number] {
                index = known
                if states[index].generation.container?.name == nil { states[index].generation.container?.name = c.name }
            } else {
                index = newState(pidns: nil, container: TraceReport.ContainerIdentity(id: c.id, name: c.name, generation: number))
                byContainer[c.id, default: [:]][number] = index
                latestGeneration[c.id] = max(number, latestGeneration[c.id] ?? number)
            }
            if claimsInit, states[index].generation.pidns == nil || states[index].generation.pidns == p.pidns {
                states[index].generation.pidns = p.pidns
                byPIDNamespace[p.pidns] = index
            }
            return index
        }
        if let index = byPIDNamespace[p.pidns] {
            let initPID = states[index].generation.initHostPID
            if !claimsInit || initPID == nil || initPID == p.hostPID { return index }
        }
        let index = newState(pidns: p.pidns, container: nil)
        byPIDNamespace[p.pidns] = index
        return index
    }

    private mutating func newState(pidns: Int?, container: TraceReport.ContainerIdentity?) -> Int {
        if nodeLimit != nil {
            for i in states.indices { states[i].shrinkEnded() }
        }
        var state = GenerationState()
        state.nodeLimit = nodeLimit
        state.generation.pidns = pidns
        state.generation.container = container
        states.append(state)
        return states.count - 1
    }
}
