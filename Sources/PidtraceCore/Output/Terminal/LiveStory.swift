/// What the live table needs to explain a generation's end on its END line, with
/// the same `Diagnosis` as `pidtrace summary`: PID 1's commands, the signals that can
/// change a fate, and the processes alive now. Kept per live generation and dropped
/// at its end; processes leave at their exit, and signal lists are capped, so it stays
/// as small as the containers' live process tables.
final class LiveStory {
    private struct State {
        var generation = TraceReport.Generation()
        /// Host PID → index in `generation.processes`, for live processes.
        var live: [UInt32: Int] = [:]
    }

    /// Per process; a loop of signals must not grow without bound.
    static let maxSignals = 16

    private var states: [String: State] = [:]

    private static func key(_ c: ContainerAttribution) -> String { "\(c.id)/\(c.generation)" }

    func observe(_ record: TraceRecord) {
        switch record {
        case let .containerStart(c):
            var state = State()
            state.generation.container = TraceReport.ContainerIdentity(id: c.container.id, name: c.container.name,
                                                                       generation: c.container.generation)
            state.generation.initHostPID = Int(c.initHostPID)
            state.generation.pidns = Int(c.pidns)
            state.generation.start = stamp(c.tsNs)
            state.generation.processes.append(TraceReport.ProcessNode(
                process: TraceReport.ProcessRef(hostPID: Int(c.initHostPID), nsPID: 1, comm: nil), isInit: true))
            state.live[c.initHostPID] = 0
            states[Self.key(c.container)] = state
        case let .snapshot(s):
            guard let c = s.container else { return }
            let argv = s.process.argv.map { String(decoding: $0, as: UTF8.self) }
            update(c) { state in
                let index = Self.node(&state, hostPID: UInt32(s.process.hostPID), nsPID: Int(s.process.nsPID),
                                      comm: s.process.comm, tsNs: nil)
                Self.ran(&state, index, argv, tsNs: s.tsNs, runningAtStart: s.observed == .traceStart)
            }
        case let .process(p):
            guard let c = p.container, !p.event.isThread else { return }
            observe(p, in: c)
        default:
            break
        }
    }

    private func observe(_ p: ProcessRecord, in c: ContainerAttribution) {
        let e = p.event
        update(c) { state in
            switch e.kind {
            case .fork, .exec:
                let index = Self.node(&state, hostPID: e.hostPID, nsPID: Int(e.nsPID), comm: Self.text(e.comm),
                                      tsNs: e.kind == .fork ? e.tsNs : nil)
                if e.kind == .exec { state.generation.execSucceeded(hostPID: Int(e.hostPID)) }
                if e.kind == .exec, let argv = p.argv {
                    Self.ran(&state, index, argv.args.map { String(decoding: $0, as: UTF8.self) }, tsNs: e.tsNs,
                             runningAtStart: false)
                }
            case .exit:
                if state.generation.initHostPID != Int(e.hostPID) { state.live[e.hostPID] = nil }
            case .signal:
                // Only live processes: a signal can trail its target's exit.
                guard let s = e.signal, SignalCause.changesFate(s.number), let index = state.live[e.hostPID] else { return }
                let signal = Self.signal(e, s, stamp: stamp(e.tsNs))
                if state.generation.processes[index].signals.count < Self.maxSignals {
                    state.generation.processes[index].signals.append(signal)
                }
                if index == 0 && state.generation.signalsToInit.count < Self.maxSignals {
                    state.generation.signalsToInit.append(signal)
                }
            case .execFailed:
                let argv = p.argv?.args.map { String(decoding: $0, as: UTF8.self) } ?? []
                let errno = e.execFailure.map { Int($0.errno) }
                state.generation.execFailed(TraceReport.FailedExec(
                    process: TraceReport.ProcessRef(hostPID: Int(e.hostPID), nsPID: Int(e.nsPID), comm: Self.text(e.comm)),
                    stamp: stamp(e.tsNs), path: String(decoding: e.filename, as: UTF8.self), argv: argv, errno: errno,
                    error: errno.map { ErrnoName.of(Int32($0)) } ?? "?", byInit: state.generation.initHostPID == Int(e.hostPID)))
            case .oomKill, .reap:
                break
            }
        }
    }

    /// The findings for a generation that just ended (its `container_exit`); forgets it.
    func ended(_ c: ContainerLifecycle) -> [TraceReport.Finding] {
        guard var state = states.removeValue(forKey: Self.key(c.container)) else { return [] }
        var g = state.generation
        g.end = stamp(c.tsNs)
        g.processes = state.live.values.sorted().map { g.processes[$0] }
        state.live.removeAll()
        if let exit = c.exit {
            if let code = exit.code {
                g.ending = .exited(code: Int(code))
            } else if let number = exit.signal {
                let sender = g.signalsToInit.last { $0.number == Int(number) }?.sender
                g.ending = .killed(signal: Int(number), name: SignalName.of(number), coreDumped: exit.coreDumped, sender: sender)
            }
        }
        // Zombies are judged over time, not at the end: the summary tells those.
        return g.findings.filter { $0.kind != "zombies" }
    }

    private func update(_ c: ContainerAttribution, _ body: (inout State) -> Void) {
        let key = Self.key(c)
        guard var state = states[key] else { return }
        states[key] = nil // no copy on write while it changes
        body(&state)
        states[key] = state
    }

    /// The node of a live process, made on first sight.
    private static func node(_ state: inout State, hostPID: UInt32, nsPID: Int, comm: String, tsNs: UInt64?) -> Int {
        if let index = state.live[hostPID] {
            state.generation.processes[index].process.comm = comm
            return index
        }
        var node = TraceReport.ProcessNode(process: TraceReport.ProcessRef(hostPID: Int(hostPID), nsPID: nsPID, comm: comm))
        node.firstSeen = tsNs.map { TraceReport.Stamp(time: nil, tsNs: Int($0)) }
        state.generation.processes.append(node)
        state.live[hostPID] = state.generation.processes.count - 1
        return state.generation.processes.count - 1
    }

    /// A command it ran: PID 1's join its exec chain, the others keep their latest.
    private static func ran(_ state: inout State, _ index: Int, _ argv: [String], tsNs: UInt64, runningAtStart: Bool) {
        if index == 0 {
            state.generation.execChain.append(TraceReport.ExecStep(
                stamp: TraceReport.Stamp(time: nil, tsNs: Int(tsNs)), argv: argv, runningAtStart: runningAtStart))
        }
        state.generation.processes[index].commands = [argv]
    }

    private static func signal(_ e: ProcessEvent, _ s: SignalInfo, stamp: TraceReport.Stamp) -> TraceReport.Signal {
        var signal = TraceReport.Signal(stamp: stamp, number: Int(s.number), name: SignalName.of(s.number))
        signal.result = s.resultName
        signal.origin = String(describing: s.origin.name)
        signal.target = TraceReport.ProcessRef(hostPID: Int(e.hostPID), nsPID: Int(e.nsPID), comm: text(e.comm))
        signal.sender = e.peer.map {
            TraceReport.Signal.Sender(hostPID: Int($0.hostPID), nsPID: $0.nsPID == 0 ? nil : Int($0.nsPID),
                                      comm: text($0.comm), containerName: nil)
        }
        return signal
    }

    private func stamp(_ tsNs: UInt64) -> TraceReport.Stamp { TraceReport.Stamp(time: nil, tsNs: Int(tsNs)) }

    private static func text(_ comm: Comm) -> String { TerminalText.printable(comm) }
}
