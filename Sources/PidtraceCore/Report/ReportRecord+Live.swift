/// The live path into the story: a trace's typed records become the same `ReportRecord`s
/// that a file's lines decode into, field for field as the NDJSON encoder writes them,
/// so a live trace and `pidtrace summary FILE` tell one story (no JSON in between).
extension ReportRecord {
    /// nil for records the story does not read (`notice`).
    init?(_ record: TraceRecord, time: (UInt64) -> String) {
        func stamp(_ tsNs: UInt64) -> TraceReport.Stamp { TraceReport.Stamp(time: time(tsNs), tsNs: Int(tsNs)) }
        switch record {
        case let .start(s):
            self = .start(stamp(s.tsNs), hostname: s.hostname, version: s.version)
        case let .stop(s):
            self = .stop(stamp(s.tsNs), lost: Int(clamping: s.lost), reason: s.reason)
        case let .lost(l):
            self = .lost(count: Int(clamping: l.count))
        case .notice:
            return nil
        case let .runtimeEvent(r):
            var event = TraceReport.RuntimeEvent(stamp: stamp(r.tsNs), action: r.action)
            event.restartCount = r.restartCount
            event.signal = r.signal.map(Int.init)
            event.exitCode = r.exitCode
            event.error = r.error
            self = .runtimeEvent(RecordedContainer(r.container), event)
        case let .process(p):
            self = Self.process(p, stamp(p.event.tsNs))
        case let .snapshot(s):
            let process = RecordedProcess(s.process, container: s.container)
            self = .snapshot(stamp(s.tsNs), process, argv: s.process.argv.map(Self.text), atClaim: s.observed == .claim)
        case let .containerStart(c):
            self = .containerStart(stamp(c.tsNs), RecordedProcess(c))
        case let .containerExit(c):
            self = .containerExit(stamp(c.tsNs), RecordedProcess(c), c.exit.map(TraceReport.ExitOutcome.init))
        case let .reap(r):
            let process = RecordedProcess(r.exit)
            var zombie = TraceReport.Zombie(process: process.ref, stamp: stamp(r.tsNs), zombieNs: Int(clamping: r.zombieNs))
            zombie.reaper = TraceReport.ProcessRef(hostPID: Int(r.reaper.hostPID), nsPID: r.reaperNSPID.map(Int.init),
                                                   comm: Self.text(r.reaper.comm))
            zombie.reparentedToNsInit = r.reparentedToNamespaceInit
            self = .reap(process, zombie)
        case let .zombie(z):
            self = .zombie(stamp(z.tsNs), RecordedProcess(z.exit), zombieNs: Int(clamping: z.zombieNs))
        }
    }

    private static func process(_ p: ProcessRecord, _ stamp: TraceReport.Stamp) -> ReportRecord {
        let process = RecordedProcess(p)
        switch p.detail {
        case .fork: return .fork(stamp, process)
        case let .exec(argv): return .exec(stamp, process, argv: argv.map(text))
        case .exit: return .exit(stamp, process, TraceReport.ExitOutcome(p.event.exit))
        case .oomKill: return .oomKill(stamp, process, memcgID: p.event.memcgID.map { Int(clamping: $0) })
        case let .execFailed(argv):
            let errno = p.event.execFailure.map { Int($0.errno) }
            return .execFailed(stamp, process, path: text(p.event.filename), argv: argv.map(text), errno: errno,
                               error: p.event.execFailure.map { ErrnoName.of($0.errno) } ?? "?")
        case let .signal(senderContainer):
            let number = Int(p.event.signal?.number ?? 0)
            var signal = TraceReport.Signal(stamp: stamp, number: number,
                                            name: TraceReport.ExitOutcome.signalName(number, recorded: nil))
            signal.result = p.event.signal?.resultName
            signal.origin = p.event.signal.map { String(describing: $0.origin.name) }
            signal.sender = p.event.peer.map {
                TraceReport.Signal.Sender(hostPID: Int($0.hostPID), nsPID: $0.nsPID == 0 ? nil : Int($0.nsPID),
                                          comm: text($0.comm), containerName: senderContainer?.name)
            }
            return .signal(process, signal)
        }
    }

    /// Kernel bytes as the record's JSON string reads back (invalid UTF-8 as U+FFFD).
    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension RecordedProcess {
    init(_ p: ProcessRecord) {
        let e = p.event
        self.init(hostPID: Int(e.hostPID), hostPPID: Int(e.hostPPID), nsPID: Int(e.nsPID), pidns: Int(e.pidns),
                  comm: ReportRecord.text(e.comm), isThread: e.isThread, container: p.container.map(RecordedContainer.init))
        // As the record's `age_ns` gives it back.
        if case .exit = p.detail { startNs = Int(min(e.startNs, e.tsNs)) }
    }

    init(_ p: ProcessEntry, container: ContainerAttribution?) {
        self.init(hostPID: Int(p.hostPID), hostPPID: Int(p.hostPPID), nsPID: Int(p.nsPID), pidns: Int(p.pidns),
                  comm: p.comm, isThread: false, container: container.map(RecordedContainer.init))
    }

    /// A `container_*` record: its PID 1.
    init(_ c: ContainerLifecycle) {
        self.init(hostPID: Int(c.initHostPID), hostPPID: nil, nsPID: Int(c.initNSPID), pidns: Int(c.pidns),
                  comm: nil, isThread: false, container: RecordedContainer(c.container))
    }
}

extension RecordedContainer {
    init(_ c: ContainerAttribution) {
        self.init(id: c.id, name: c.name, generation: c.generation, runtime: c.runtime, pod: c.pod)
    }
}

extension TraceReport.ExitOutcome {
    init(_ status: ExitStatus) {
        if let number = status.signal {
            self = .signal(Int(number), name: SignalName.of(number), coreDumped: status.coreDumped)
        } else {
            self = .code(Int(status.code ?? 0))
        }
    }
}
