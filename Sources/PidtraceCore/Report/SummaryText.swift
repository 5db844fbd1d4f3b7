extension TraceReport {
    /// The text of `pidtrace summary`: the recording, then each container with its
    /// generations, then the PID namespaces that belong to no container.
    public func summaryText() -> String {
        typealias F = ReportFormat
        var lines: [String] = []
        let s = stream
        var facts = s.complete ? "complete (stop: \(F.printable(s.stopReason ?? "?")))" : "cut short (no stop record)"
        facts += ", \(s.records) records, \(s.lost) lost"
        if !diagnostics.isEmpty {
            let shown = malformedLines.prefix(10).map(String.init).joined(separator: ", ")
            facts += ", \(diagnostics.count) malformed line\(diagnostics.count == 1 ? "" : "s") (\(shown)\(diagnostics.count > 10 ? ", ..." : ""))"
        }
        lines.append("recording: " + facts)
        if s.hostname != nil || s.startTime != nil {
            lines.append("host \(F.printable(s.hostname ?? "?")), pidtrace \(F.printable(s.version ?? "?")), "
                         + "from \(F.printable(s.startTime ?? "?")) to \(F.printable(s.stopTime ?? "?"))")
        }
        for group in containersByName {
            lines.append("")
            let ids = Set(group.map(\.id))
            if let c = group.first, group.count == 1 {
                lines.append("container \(F.containerName(c.id, c.name)): \(c.generations) generation\(c.generations == 1 ? "" : "s") in the file, \(c.restarts) restart\(c.restarts == 1 ? "" : "s")")
            } else {
                // `docker rm` and `docker run --name` again: one story, told once.
                let total = group.reduce(0) { $0 + $1.generations }
                lines.append("container \(F.printable(group[0].name ?? "?")): \(group.count) containers by this name, one after another "
                             + "(\(F.printable(String(group[0].id.prefix(12)))) … \(F.printable(String(group[group.count - 1].id.prefix(12))))), "
                             + "\(total) generations in the file")
            }
            lines += storyLines(generations.filter { $0.container.map { ids.contains($0.id) } ?? false })
        }
        let namespaces = generations.filter { $0.container == nil }
        if !namespaces.isEmpty {
            lines.append("")
            lines.append("PID namespaces outside containers:")
            for g in namespaces { lines += generationLines(g) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What `summary` prints under a container's heading for its generations (those of
    /// one container, or of several by one name, in order): each generation's story, a
    /// crash loop rolled up. `pidtrace why` prints this for generations from the history.
    public func storyText(_ generations: [Generation]) -> String {
        storyLines(generations).joined(separator: "\n") + "\n"
    }

    private func storyLines(_ generations: [Generation]) -> [String] {
        CrashLoop.runs(generations).flatMap { run in
            run.count >= CrashLoop.minimumRun ? crashLoopLines(run) : run.flatMap(generationLines)
        }
    }

    private func generationLines(_ g: Generation) -> [String] {
        typealias F = ReportFormat
        let initLabel = g.initLabel
        var lines = ["  \(F.title(g)): \(initLabel) = " + (g.initHostPID.map { "host \($0)" } ?? "not seen")
                     + (g.initJoinedNamespace ? g.initNSPID.map { ", ns PID \($0)" } ?? "" : "")
                     + (g.container != nil ? g.pidns.map { ", pidns \($0)" } ?? "" : "")
                     + (g.initJoinedNamespace ? " (a PID namespace shared with other containers: its PID 1 is not this container's)" : "")]
        let initComm = g.processes.first { $0.process.hostPID == g.initHostPID }?.process.comm
        if !g.execChain.isEmpty {
            lines.append("    exec: " + g.execChain.map {
                F.command($0.argv, comm: initComm) + ($0.runningAtStart ? " (running at start)" : "")
            }.joined(separator: " → "))
        }
        if g.start != nil || g.end != nil {
            let from = F.printable(g.start?.time ?? "?") + (g.runningAtTraceStart ? " (trace start)" : "")
            let to = F.printable(g.end?.time ?? "?") + (g.lifetimeNs.map { " (\(F.duration($0)))" } ?? "")
            lines.append("    from \(from) to \(to)")
        }
        if let cause = g.startedBy { lines.append("    started by: " + cause.text(RuntimeAdvice(g.container))) }
        let ended = g.initHostPID == nil ? "\(initLabel) is not in the file" : F.ending(g.ending, complete: stream.complete)
        lines.append("    ended: " + ended)
        lines += findingLines(g.findings)
        for signal in g.signalsToInit {
            lines.append("    signal to \(initLabel): \(F.printable(signal.name)) " + F.source(signal)
                         + (signal.result.map { ", \(F.printable($0))" } ?? "")
                         + (signal.stamp.time.map { " at \(F.printable($0))" } ?? ""))
        }
        if !g.otherSignalsToInit.isEmpty {
            lines.append("    other signals to \(initLabel) (not shown one by one): " + F.counts(g.otherSignalsToInit))
        }
        for kill in g.oomKills {
            lines.append("    OOM kill: " + F.process(kill.process) + (kill.memcgID.map { ", memory cgroup \($0)" } ?? ""))
        }
        lines.append("    processes seen: \(g.processesSeen)")
        lines.append("    zombies never reaped: " + (g.neverReaped.isEmpty ? "none" : g.neverReaped.map {
            F.process($0.process) + ($0.zombieNs.map { ", a zombie for \(F.duration($0)) at its last record" } ?? "")
        }.joined(separator: "; ")))
        lines.append("    reaped late: " + (g.reapedLate.isEmpty ? "none" : g.reapedLate.map { z in
            F.process(z.process) + (z.zombieNs.map { " after \(F.duration($0))" } ?? "")
                + (z.reaper.map { " by " + F.process($0) } ?? "")
                + (z.reparentedToNsInit ? " (reparented to PID 1)" : "")
        }.joined(separator: "; ")))
        return lines
    }

    private func findingLines(_ findings: [Finding]) -> [String] {
        findings.flatMap { f in
            ["    what happened: " + f.text] + (f.fix.map { ["      fix: " + $0] } ?? [])
        }
    }

    /// One block for a run of generations that started and ended the same way.
    private func crashLoopLines(_ run: [Generation]) -> [String] {
        typealias F = ReportFormat
        let first = run[0], last = run[run.count - 1]
        let sameContainer = first.container?.id == last.container?.id
        let numbers = sameContainer ? "generations \(first.container?.generation ?? 0)–\(last.container?.generation ?? 0)"
                                    : "\(run.count) containers"
        let span = (first.start?.tsNs).flatMap { s in last.end?.tsNs.map { F.duration($0 - s) } } ?? "?"
        let lifetimes = run.compactMap(\.lifetimeNs)
        let initComm = first.processes.first { $0.isInit }?.process.comm
        let kind = CrashLoop.kind(run)
        var lines = ["  \(numbers): \(kind), \(run.count) generations in \(span), each "
                     + F.ending(first.ending, complete: true) + CrashLoop.lifetimeText(lifetimes)]
        if !first.execChain.isEmpty {
            lines.append("    exec: " + first.execChain.map { F.command($0.argv, comm: initComm) }.joined(separator: " → "))
        }
        lines.append("    \(first.initLabel) = host "
                     + run.compactMap(\.initHostPID).map(String.init).joined(separator: ", "))
        let restarts = run.compactMap { if case let .restartPolicy(n)? = $0.startedBy { n } else { nil } }
        if let low = restarts.min(), let high = restarts.max() {
            lines.append("    restarted by: the container's restart policy (restart \(low == high ? "\(low)" : "\(low)–\(high)"))")
        } else if run.dropFirst().allSatisfy({ $0.startedBy == .recreatedInPod }) && run.count > 1 {
            lines.append("    restarted by: " + TraceReport.StartCause.recreatedInPod.text(RuntimeAdvice(first.container)))
        }
        if let from = first.start?.time, let to = last.end?.time {
            lines.append("    from \(F.printable(from)) to \(F.printable(to))")
        }
        lines += findingLines(last.findings)
        return lines
    }
}
