import Glibc

extension HistoryEntry {
    /// The entry for an ended container generation, told by the one story builder
    /// (`generation.outcome`, `generation.findings`); nil for a generation of no
    /// container, or one that has not ended. `records`: its NDJSON lines, kept for `why`.
    public init?(generation g: TraceReport.Generation, records: [String], bootID: String) {
        guard let c = g.container, let outcome = g.outcome, let end = g.end else { return nil }
        self.init(bootID: bootID, containerID: c.id, containerName: c.name, runtime: c.runtime, pod: c.pod?.name,
                  namespace: c.pod?.namespace, podUID: c.pod?.uid, generation: c.generation,
                  initHostPID: g.initHostPID ?? 0, pidns: g.pidns ?? 0, initStartNs: g.initStartNs ?? 0,
                  initNSPID: g.initNSPID,
                  execChain: g.execChain.map(\.argv), start: g.start,
                  end: end, startSeen: g.start != nil && !g.runningAtTraceStart,
                  endUnixNs: Self.unixNs(end.time) ?? Self.nowUnixNs(),
                  how: outcome.how, exitCode: outcome.exitCode, signal: nil, sender: nil, cause: outcome.cause,
                  headline: outcome.headline, findings: g.findings, sigtermIgnored: outcome.sigtermIgnored,
                  stopDelayNs: outcome.stopDelayNs,
                  oomKills: g.oomKills.map {
                      OOMKill(hostPID: $0.process.hostPID, nsPID: $0.process.nsPID, comm: $0.process.comm,
                              isInit: $0.process.hostPID == g.initHostPID, time: $0.stamp.time)
                  },
                  neverReaped: g.neverReaped.map(\.process), processesSeen: g.processesSeen, observed: true,
                  runtimeFinishedAt: nil, records: records, storeID: nil)
        switch g.ending {
        case let .killed(number, _, _, sender)?:
            signal = number
            let origin = g.signalsToInit.last { $0.number == number }?.origin
            if sender != nil || origin != nil {
                self.sender = Sender(hostPID: sender?.hostPID, comm: sender?.comm, container: sender?.containerName, origin: origin)
            }
        case .oomKilled?:
            signal = 9
        case .exited?, nil:
            break
        }
    }

    /// The entry for a generation that ended while no agent was running: only what the
    /// runtime still says (its exit code, its finish time), and a headline saying so.
    /// `finishedAt` (RFC 3339, as the runtime gives it) also keeps it from being written twice.
    /// `runsMissed`: the runs that ended meanwhile, by the runtime's restart count (this
    /// entry is the last of them; the runtime keeps only its end).
    public static func notObserved(containerID: String, name: String?, runtime: String?, pod: PodMeta?,
                                   generation: Int, runsMissed: Int = 1, bootID: String, exitCode: Int?,
                                   finishedAt: String) -> HistoryEntry {
        let exited = exitCode.map { "exited with code " + ExitCodeMeaning.explained($0) } ?? "ended"
        let said = runsMissed > 1
            ? "the runtime's restart count says \(runsMissed) runs ended meanwhile; the last \(exited)"
            : "the runtime says it \(exited)"
        return HistoryEntry(
            bootID: bootID, containerID: containerID, containerName: name, runtime: runtime, pod: pod?.name,
            namespace: pod?.namespace, podUID: pod?.uid, generation: generation, initHostPID: 0, pidns: 0, initStartNs: 0,
            initNSPID: nil,
            execChain: [], start: nil, end: TraceReport.Stamp(time: finishedAt, tsNs: nil), startSeen: false,
            endUnixNs: unixNs(finishedAt) ?? nowUnixNs(), how: "unknown", exitCode: exitCode, signal: nil, sender: nil,
            cause: .unknown,
            headline: "not observed (no agent was running): \(said) at \(ReportFormat.printable(finishedAt))",
            findings: [], sigtermIgnored: false, stopDelayNs: nil, oomKills: [], neverReaped: [], processesSeen: 0,
            observed: false, runtimeFinishedAt: finishedAt, records: [], storeID: nil)
    }

    /// RFC 3339 as ns since the epoch, exactly; nil for anything else or a time past what an Int holds.
    static func unixNs(_ time: String?) -> Int? {
        guard var whole = time else { return nil }
        // TimeAxis.epochNs is a Double, in 256 ns steps at today's dates: whole seconds from
        // it (exact), the fraction from its digits.
        var fraction = 0
        if let dot = whole.firstIndex(of: ".") {
            let digits = whole[whole.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            fraction = Int(String(digits.prefix(9)) + String(repeating: "0", count: max(0, 9 - digits.count))) ?? 0
            whole = String(whole[..<dot] + whole[digits.endIndex...])
        }
        guard let seconds = TimeAxis.epochNs(whole), seconds.isFinite, abs(seconds) < 9e18 else { return nil }
        return Int(seconds) + fraction
    }

    static func nowUnixNs() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec * 1_000_000_000 + now.tv_nsec
    }
}
