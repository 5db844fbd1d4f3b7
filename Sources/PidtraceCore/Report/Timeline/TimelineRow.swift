extension TimelineHTML {
    /// Draws one generation's row starting at `top`; returns the row's height.
    func row(_ g: Generation, label: String?, previous: Generation?, top: Double,
                     axis: TimeAxis, into out: inout String) -> Double {
        let barTop = top + Layout.barOffset
        let barMid = barTop + Layout.barHeight / 2
        let kind = BarKind(g, complete: report.stream.complete)
        let startKnown = (g.start?.tsNs ?? g.execChain.first?.stamp.tsNs).map(Double.init)
        let from = startKnown ?? axis.from
        let to = max(from, g.end?.tsNs.map(Double.init) ?? axis.to)
        let fadeIn = startKnown == nil || g.runningAtTraceStart
        let openEnd = g.end?.tsNs == nil
        let x0 = axis.x(from)
        let x1 = max(axis.x(to), x0 + 3)

        // Left column: which generation, its init (PID 1, but in a shared namespace), how it ended.
        let title = label ?? g.container.map { "generation \($0.generation)" } ?? F.title(g)
        let role = g.initLabel
        var pidLine = g.initHostPID.map { "\(role) = host \($0)" + (g.initJoinedNamespace ? g.initNSPID.map { ", ns PID \($0)" } ?? "" : "") }
            ?? "\(role) not in the file"
        if let ns = g.lifetimeNs {
            pidLine += " · " + F.duration(ns)
        } else if g.runningAtTraceStart, let a = g.start?.tsNs, let b = g.end?.tsNs, let ns = Self.span(a, b) {
            pidLine += " · ≥ " + F.duration(ns)
        }
        out += "<g class=\"row\">\n"
        out += "<text class=\"gen\" x=\"8\" y=\"\(Self.n(barTop - 2))\">\(Self.h(title))</text>\n"
        out += "<text class=\"pid\" x=\"8\" y=\"\(Self.n(barTop + 13))\">\(Self.h(pidLine))</text>\n"
        out += "<text class=\"end \(kind.rawValue)\" x=\"8\" y=\"\(Self.n(barTop + 28))\">\(Self.h(Self.ellipsized(shortEnding(g, kind), Int((Layout.plotX0 - 20) / Layout.boldAdvance))))</text>\n"

        // The gap since the previous generation of the same container or namespace ended.
        if let previous, let end = previous.end?.tsNs, let start = g.start?.tsNs, let gap = Self.span(end, start) {
            let px = axis.x(Double(end))
            if x0 - px > 2 {
                out += "<g class=\"hover\"><line class=\"restart\" x1=\"\(Self.n(px))\" y1=\"\(Self.n(barMid))\" x2=\"\(Self.n(x0))\" y2=\"\(Self.n(barMid))\"/>"
                out += "<rect class=\"hit\" x=\"\(Self.n(px))\" y=\"\(Self.n(barMid - 5))\" width=\"\(Self.n(x0 - px))\" height=\"10\"/>"
                out += "<title>\(Self.h("restarted \(F.duration(gap)) after the previous \(previous.initLabel) ended"))</title></g>\n"
            }
        }

        // The init's lifetime.
        if g.initHostPID != nil || !g.execChain.isEmpty {
            out += "<g class=\"hover\">"
            out += "<rect class=\"bar \(kind.rawValue)\" x=\"\(Self.n(x0))\" y=\"\(Self.n(barTop))\" width=\"\(Self.n(x1 - x0))\" height=\"\(Self.n(Layout.barHeight))\" rx=\"3\"/>"
            let fade = min(36, (x1 - x0) / 2)
            if fadeIn {
                out += "<rect x=\"\(Self.n(x0))\" y=\"\(Self.n(barTop))\" width=\"\(Self.n(fade))\" height=\"\(Self.n(Layout.barHeight))\" fill=\"url(#fade-in)\"/>"
            }
            if openEnd {
                out += "<rect x=\"\(Self.n(x1 - fade))\" y=\"\(Self.n(barTop))\" width=\"\(Self.n(fade))\" height=\"\(Self.n(Layout.barHeight))\" fill=\"url(#fade-out)\"/>"
            }
            out += Self.tip(barTitle(g, title: title)) + "</g>\n"
        } else {
            out += "<text class=\"missing\" x=\"\(Self.n(Layout.plotX0 + 4))\" y=\"\(Self.n(barMid + 4))\">\(role) is not in the file</text>\n"
        }

        // Exec ticks inside the bar (not the command the init was running at start).
        let initComm = g.processes.first { $0.process.hostPID == g.initHostPID }?.process.comm
        for (i, step) in g.execChain.enumerated() where !step.runningAtStart {
            guard let ts = step.stamp.tsNs else { continue }
            let x = axis.x(Double(ts))
            out += "<g class=\"hover\"><line class=\"exec\" x1=\"\(Self.n(x))\" y1=\"\(Self.n(barTop + 2))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(barTop + Layout.barHeight - 2))\"/>"
            out += "<rect class=\"hit\" x=\"\(Self.n(x - 4))\" y=\"\(Self.n(barTop))\" width=\"8\" height=\"\(Self.n(Layout.barHeight))\"/>"
            out += Self.tip(["exec #\(i + 1) by \(role)" + (step.stamp.time.map { " at " + $0 } ?? "") + ":",
                             F.command(step.argv, comm: initComm)]) + "</g>\n"
        }

        // Markers above the bar: signals to the init; OOM kills on the bar.
        var labels: [MarkerLabel] = []
        for signal in g.signalsToInit {
            guard let ts = signal.stamp.tsNs else { continue }
            let x = axis.x(Double(ts))
            let delivered = signal.result == nil || signal.result == "delivered"
            let tip = barTop - 1
            out += "<g class=\"hover\"><line class=\"drop\" x1=\"\(Self.n(x))\" y1=\"\(Self.n(tip))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(barTop + Layout.barHeight))\"/>"
            out += "<path class=\"sig\(delivered ? "" : " hollow")\" d=\"M\(Self.n(x - 6)),\(Self.n(tip - 11)) L\(Self.n(x + 6)),\(Self.n(tip - 11)) L\(Self.n(x)),\(Self.n(tip)) Z\"/>"
            out += Self.tip(signalTitle(signal, to: role)) + "</g>\n"
            let sender = signal.sender.map { $0.comm ?? $0.hostPID.map { "host PID \($0)" } ?? "?" } ?? "sender not recorded"
            labels.append(MarkerLabel(x: x, text: "\(signal.name) ← \(sender)", cls: "sig-label"))
        }
        for kill in g.oomKills {
            guard let ts = kill.stamp.tsNs else { continue }
            let x = axis.x(Double(ts))
            out += "<g class=\"hover\"><path class=\"oom-mark\" d=\"M\(Self.n(x)),\(Self.n(barMid - 8)) L\(Self.n(x + 8)),\(Self.n(barMid)) L\(Self.n(x)),\(Self.n(barMid + 8)) L\(Self.n(x - 8)),\(Self.n(barMid)) Z\"/>"
            let oomTitle = "OOM kill of " + F.process(kill.process) + (kill.process.hostPID == g.initHostPID ? " (\(role))" : "")
                + (kill.memcgID.map { ", memory cgroup \($0)" } ?? "")
            out += Self.tip([oomTitle] + (kill.stamp.time.map { ["at " + $0] } ?? [])) + "</g>\n"
            let whose = kill.process.hostPID == g.initHostPID ? "" : " (" + (kill.process.comm ?? "host \(kill.process.hostPID)") + ")"
            labels.append(MarkerLabel(x: x, text: "OOM kill" + whose, cls: "oom-label"))
        }
        out += place(labels, baselines: [barTop - 16, barTop - 30])

        // Zombies under the bar: from exit to the reap (late) or to the last record and on (never reaped).
        var zombies: [ZombieMark] = []
        for z in g.neverReaped { zombies.append(zombieMark(z, reaped: false, barEnd: x1, axis: axis)) }
        for z in g.reapedLate { zombies.append(zombieMark(z, reaped: true, barEnd: x1, axis: axis)) }
        var laneEnds: [Double] = []
        var zombieSVG = ""
        for var z in zombies.sorted(by: { $0.from < $1.from }) {
            let lane = laneEnds.firstIndex { $0 + 8 <= z.extentFrom } ?? (laneEnds.count < 6 ? laneEnds.count : nil)
            let chosen = lane ?? laneEnds.indices.min { laneEnds[$0] < laneEnds[$1] } ?? 0
            if lane == nil { z.label = nil }
            if chosen == laneEnds.count { laneEnds.append(z.extentTo) } else { laneEnds[chosen] = max(laneEnds[chosen], z.extentTo) }
            zombieSVG += z.svg(y: barTop + Layout.barHeight + 10 + Double(chosen) * Layout.zombieLane)
        }
        out += zombieSVG

        // The exec chain as text under it all.
        let execY = barTop + Layout.barHeight + 16 + Double(laneEnds.count) * Layout.zombieLane
        if !g.execChain.isEmpty {
            let chain = g.execChain.map { F.command($0.argv, comm: initComm) }.joined(separator: " → ")
            var x = max(x0, Layout.plotX0)
            var anchor = "start"
            var room = Layout.textLimit - x
            if room < 260 {
                x = Layout.plotX1
                anchor = "end"
                room = Layout.plotX1 - Layout.plotX0
            }
            let shown = Self.ellipsized(chain, Int(room / Layout.monoAdvance))
            out += "<text class=\"chain\" x=\"\(Self.n(x))\" y=\"\(Self.n(execY))\" text-anchor=\"\(anchor)\">\(Self.h(shown))" + Self.tip(["exec chain of \(role):", chain]) + "</text>\n"
        }
        // What happened, under the chain: each finding wrapped to the plot's width, its fix
        // on lines of its own, all in view (not only on hover).
        var lastLineY = execY
        // 12px text: DejaVu Sans within the mono advance; the fix's semi-bold within 12/11 of the 11px bold one.
        let perLine = Int((Layout.plotX1 - Layout.plotX0) / Layout.monoAdvance)
        let perFixLine = Int((Layout.plotX1 - Layout.plotX0) / (Layout.boldAdvance * 12 / 11))
        for finding in g.findings {
            let lines = Self.wrapped(finding.text, perLine).map { ("finding", $0) }
                + (finding.fix.map { Self.wrapped("Fix: " + $0 + ".", perFixLine).map { ("fix", $0) } } ?? [])
            for (kind, line) in lines {
                lastLineY += 16
                out += "<text class=\"\(kind)\" x=\"\(Self.n(Layout.plotX0))\" y=\"\(Self.n(lastLineY))\">\(Self.h(line))</text>\n"
            }
        }
        let bottom = max(lastLineY + 12, barTop + 36)
        out += "<line class=\"sep\" x1=\"0\" y1=\"\(Self.n(bottom))\" x2=\"\(Layout.width)\" y2=\"\(Self.n(bottom))\"/>\n"
        out += "</g>\n"
        return bottom - top
    }

    private func shortEnding(_ g: Generation, _ kind: BarKind) -> String {
        if g.initHostPID == nil { return "\(g.initLabel) not in the file" }
        switch g.ending {
        case let .exited(code)?: return "exit \(code)"
        case let .killed(_, name, core, sender)?:
            return name + (sender.map { " from " + ($0.comm ?? $0.hostPID.map { "host PID \($0)" } ?? "?") } ?? "") + (core ? ", core" : "")
        case .oomKilled?: return "OOM killed"
        case nil: return kind == .running ? "running at trace stop" : "no end recorded"
        }
    }

    private func barTitle(_ g: Generation, title: String) -> [String] {
        var lines: [String] = []
        var head = g.container.map { "container " + F.containerName($0.id, $0.name) + ", " } ?? ""
        let initComm = g.processes.first { $0.process.hostPID == g.initHostPID }?.process.comm
        head += title + ": \(g.initLabel) = " + (g.initHostPID.map { "host \($0)" } ?? "not seen") + (initComm.map { " (\($0))" } ?? "")
        if let ns = g.pidns { head += ", pidns \(ns)" }
        lines.append(head)
        let from = (g.start?.time ?? "?") + (g.runningAtTraceStart ? " (running when the trace started)" : "")
        let to = (g.end?.time ?? "?") + (g.lifetimeNs.map { " (\(F.duration($0)))" } ?? "")
        lines.append("from \(from) to \(to)")
        if !g.execChain.isEmpty {
            lines.append("exec: " + (g.execChain.map { F.command($0.argv, comm: initComm) }.joined(separator: " → ")))
        }
        lines.append("ended: " + F.ending(g.ending, complete: report.stream.complete))
        lines.append("processes seen: \(g.processesSeen)")
        if !g.neverReaped.isEmpty { lines.append("zombies never reaped: \(g.neverReaped.count)") }
        if !g.reapedLate.isEmpty { lines.append("reaped late: \(g.reapedLate.count)") }
        return lines
    }

    /// "SIGTERM to PID 1 from host PID 77 (runc), ignored"; `to`: the init's label.
    func signalTitle(_ s: TraceReport.Signal, to role: String) -> [String] {
        ["\(s.name) to \(role) from " + (s.sender.map(F.sender) ?? "a sender not recorded") + (s.result.map { ", \($0)" } ?? "")]
            + (s.stamp.time.map { ["at " + $0] } ?? [])
    }
}
