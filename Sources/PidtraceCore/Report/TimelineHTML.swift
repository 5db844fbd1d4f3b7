extension TraceReport {
    /// `pidtrace summary --html`: one self-contained page (inline CSS and SVG, no
    /// script, nothing fetched; a Content-Security-Policy says so to the browser) with
    /// the recording's facts, a legend, and per container (or per PID namespace, for
    /// traces without containers) one row per generation on a time axis shared by the
    /// whole page: PID 1's lifetime as a bar coloured by how it ended, its exec chain
    /// under the bar, signals to PID 1 with their sender, OOM kills and zombies as
    /// markers, and hover details in SVG `<title>`s. Every string from the file is
    /// escaped (`HTMLEscape`).
    public func timelineHTML() -> String {
        TimelineHTML(report: self).page()
    }
}

struct TimelineHTML {
    private typealias F = ReportFormat
    private typealias Generation = TraceReport.Generation

    private let report: TraceReport
    private let axis: TimeAxis?

    init(report: TraceReport) {
        self.report = report
        axis = TimeAxis(report)
    }

    /// Escaped, terminal-safe text from the file.
    private static func h(_ s: String) -> String { HTMLEscape.text(s) }

    // MARK: page

    func page() -> String {
        let s = report.stream
        var title = "pidtrace timeline"
        if let host = s.hostname { title += " — " + host }
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.h(title))</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            \(Self.defs)
            <header>
            <h1>pidtrace timeline</h1>

            """
        out += facts()
        out += "</header>\n"
        out += legend()
        let sections = self.sections()
        if sections.isEmpty {
            out += "<p class=\"empty\">No container or PID namespace generation in this file.</p>\n"
        }
        for section in sections { out += render(section) }
        out += "</body>\n</html>\n"
        return out
    }

    private func facts() -> String {
        let s = report.stream
        var items: [(String, String, Bool)] = []
        if let host = s.hostname { items.append(("host", Self.h(host), false)) }
        if let version = s.version { items.append(("pidtrace", Self.h(version), false)) }
        if s.startTime != nil || s.stopTime != nil {
            var range = Self.h(s.startTime ?? "?") + " → " + Self.h(s.stopTime ?? "?")
            if let a = s.startTime.flatMap(TimeAxis.epochNs), let b = s.stopTime.flatMap(TimeAxis.epochNs), b >= a, b - a < 9e18 {
                range += " (\(F.duration(Int(b - a))))"
            }
            items.append(("recorded", range, false))
        }
        items.append(("recording", s.complete
                      ? "complete (stop: \(Self.h(s.stopReason ?? "?")))"
                      : "cut short (no stop record)", !s.complete))
        items.append(("records", "\(s.records)", false))
        items.append(("lost", "\(s.lost)", s.lost > 0))
        if !report.diagnostics.isEmpty {
            let shown = report.malformedLines.prefix(10).map(String.init).joined(separator: ", ")
            items.append(("malformed lines", "\(report.diagnostics.count) (\(shown)\(report.diagnostics.count > 10 ? ", …" : ""))", true))
        }
        var out = "<dl class=\"facts\">\n"
        for (name, value, warn) in items {
            out += "<div\(warn ? " class=\"warn\"" : "")><dt>\(name)</dt><dd>\(value)</dd></div>\n"
        }
        return out + "</dl>\n"
    }

    private func legend() -> String {
        func swatch(_ kind: BarKind) -> String {
            "<span class=\"key\"><svg width=\"26\" height=\"12\" aria-hidden=\"true\"><rect class=\"bar \(kind.rawValue)\" x=\"0\" y=\"1\" width=\"26\" height=\"10\" rx=\"2\"/></svg>\(kind.legend)</span>"
        }
        var out = "<div class=\"legend\">\n<span class=\"legend-title\">PID 1 ended:</span>\n"
        for kind in BarKind.allCases { out += swatch(kind) + "\n" }
        out += """
            <span class="key"><svg width="26" height="12" aria-hidden="true"><rect class="bar ok" x="0" y="1" width="26" height="10" rx="2"/><rect x="0" y="1" width="26" height="10" fill="url(#fade-in)"/></svg>faded start: running when the trace began</span>
            <br>
            <span class="legend-title">Markers:</span>
            <span class="key"><svg width="14" height="14" aria-hidden="true"><path class="sig" d="M1,2 L13,2 L7,12 Z"/></svg>signal to PID 1, label “name ← sender” (hollow: not delivered)</span>
            <span class="key"><svg width="14" height="14" aria-hidden="true"><path class="oom-mark" d="M7,1 L13,7 L7,13 L1,7 Z"/></svg>OOM kill</span>
            <span class="key"><svg width="18" height="14" aria-hidden="true"><line class="exec" x1="9" y1="0" x2="9" y2="14"/></svg>exec by PID 1</span>
            <span class="key"><svg width="36" height="12" aria-hidden="true"><line class="zline" x1="2" y1="6" x2="24" y2="6"/><line class="zline open" x1="24" y1="6" x2="34" y2="6"/><circle class="znever" cx="24" cy="6" r="4"/></svg>zombie never reaped</span>
            <span class="key"><svg width="30" height="12" aria-hidden="true"><line class="zline" x1="2" y1="6" x2="24" y2="6"/><circle class="zlate" cx="24" cy="6" r="4"/></svg>zombie reaped late</span>
            <span class="hint">Hover a bar or marker for details. Times are \(axis?.wallOffset != nil ? "UTC, from the records" : "seconds from the first record").</span>
            </div>

            """
        return out
    }

    // MARK: sections

    private struct Section {
        var heading: String   // escaped HTML
        var note: String      // escaped HTML
        var fullID: String?
        var container: Bool
        var generations: [Generation]
    }

    private func sections() -> [Section] {
        var result: [Section] = []
        for c in report.containers {
            let gens = report.generations.filter { $0.container?.id == c.id }
            let note = "\(c.generations) generation\(c.generations == 1 ? "" : "s") in the file, "
                + "\(c.restarts) restart\(c.restarts == 1 ? "" : "s")"
            result.append(Section(heading: "container " + Self.h(F.containerName(c.id, c.name)), note: note,
                                  fullID: c.id, container: true, generations: gens))
        }
        var order: [Int?] = []
        var byNamespace: [Int?: [Generation]] = [:]
        for g in report.generations where g.container == nil {
            if byNamespace[g.pidns] == nil { order.append(g.pidns) }
            byNamespace[g.pidns, default: []].append(g)
        }
        for ns in order {
            let gens = byNamespace[ns] ?? []
            result.append(Section(heading: "PID namespace " + (ns.map(String.init) ?? "unknown"),
                                  note: "\(gens.count) run\(gens.count == 1 ? "" : "s") of PID 1 in the file, no container",
                                  fullID: nil, container: false, generations: gens))
        }
        return result
    }

    private func render(_ section: Section) -> String {
        var out = "<section>\n<h2"
        if let id = section.fullID { out += " title=\"\(Self.h(id))\"" }
        out += ">\(section.heading) <span class=\"note\">\(section.note)</span></h2>\n"
        guard let axis else {
            out += "<p class=\"empty\">No record here has a ts_ns: there is nothing to place on a time axis.</p>\n"
            return out + events(section) + "</section>\n"
        }
        var body = ""
        var y = Layout.axisBand
        for (i, g) in section.generations.enumerated() {
            let previous = i > 0 ? section.generations[i - 1] : nil
            y += row(g, label: section.container ? nil : "run \(i + 1)", previous: previous, top: y, axis: axis, into: &body)
        }
        let bottomAxis = section.generations.count >= 4
        let height = y + (bottomAxis ? Layout.axisBand : 6)
        out += "<svg class=\"timeline\" viewBox=\"0 0 \(Layout.width) \(Self.n(height))\" width=\"\(Layout.width)\" height=\"\(Self.n(height))\" role=\"img\" aria-label=\"timeline of \(section.heading)\">\n"
        out += ticks(axis, top: Layout.axisBand, bottom: y, labelsBelow: bottomAxis)
        out += body
        out += "</svg>\n"
        return out + events(section) + "</section>\n"
    }

    private func ticks(_ axis: TimeAxis, top: Double, bottom: Double, labelsBelow: Bool) -> String {
        var out = "<g class=\"axis\">\n"
        out += "<text class=\"axis-caption\" x=\"8\" y=\"16\">\(axis.wallOffset != nil ? "UTC" : "time")</text>\n"
        out += "<line class=\"axis-line\" x1=\"\(Self.n(Layout.plotX0))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(Layout.plotX1))\" y2=\"\(Self.n(top))\"/>\n"
        for tick in axis.ticks() {
            let x = Self.n(tick.x)
            out += "<line class=\"grid\" x1=\"\(x)\" y1=\"\(Self.n(top - 4))\" x2=\"\(x)\" y2=\"\(Self.n(bottom))\"/>\n"
            out += "<text class=\"tick\" x=\"\(x)\" y=\"16\" text-anchor=\"middle\">\(tick.label)</text>\n"
            if labelsBelow {
                out += "<text class=\"tick\" x=\"\(x)\" y=\"\(Self.n(bottom + 16))\" text-anchor=\"middle\">\(tick.label)</text>\n"
            }
        }
        return out + "</g>\n"
    }

    // MARK: one generation

    private enum Layout {
        static let width = 1320.0
        static let plotX0 = TimeAxis.plotX0
        static let plotX1 = TimeAxis.plotX1
        /// Labels may run past the plot into the right margin up to here.
        static let textLimit = 1314.0
        static let axisBand = 24.0
        static let barOffset = 42.0
        static let barHeight = 20.0
        static let zombieLane = 14.0
        static let monoAdvance = 7.3   // 12px DejaVu Sans Mono, a little generous
        static let sansAdvance = 6.6   // 11px DejaVu Sans, generous
        static let boldAdvance = 7.9   // 11px DejaVu Sans Bold, generous
    }

    /// Draws one generation's row starting at `top`; returns the row's height.
    private func row(_ g: Generation, label: String?, previous: Generation?, top: Double,
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

        // Left column: which generation, PID 1, how it ended.
        let title = label ?? g.container.map { "generation \($0.generation)" } ?? F.title(g)
        var pidLine = g.initHostPID.map { "PID 1 = host \($0)" } ?? "PID 1 not in the file"
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
                out += "<title>\(Self.h("restarted \(F.duration(gap)) after the previous PID 1 ended"))</title></g>\n"
            }
        }

        // PID 1's lifetime.
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
            out += "<text class=\"missing\" x=\"\(Self.n(Layout.plotX0 + 4))\" y=\"\(Self.n(barMid + 4))\">PID 1 is not in the file</text>\n"
        }

        // Exec ticks inside the bar (not the command PID 1 was running at start).
        let initComm = g.processes.first { $0.process.hostPID == g.initHostPID }?.process.comm
        for (i, step) in g.execChain.enumerated() where !step.runningAtStart {
            guard let ts = step.stamp.tsNs else { continue }
            let x = axis.x(Double(ts))
            out += "<g class=\"hover\"><line class=\"exec\" x1=\"\(Self.n(x))\" y1=\"\(Self.n(barTop + 2))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(barTop + Layout.barHeight - 2))\"/>"
            out += "<rect class=\"hit\" x=\"\(Self.n(x - 4))\" y=\"\(Self.n(barTop))\" width=\"8\" height=\"\(Self.n(Layout.barHeight))\"/>"
            out += Self.tip(["exec #\(i + 1) by PID 1" + (step.stamp.time.map { " at " + $0 } ?? "") + ":",
                             F.command(step.argv, comm: initComm)]) + "</g>\n"
        }

        // Markers above the bar: signals to PID 1; OOM kills on the bar.
        var labels: [MarkerLabel] = []
        for signal in g.signalsToInit {
            guard let ts = signal.stamp.tsNs else { continue }
            let x = axis.x(Double(ts))
            let delivered = signal.result == nil || signal.result == "delivered"
            let tip = barTop - 1
            out += "<g class=\"hover\"><line class=\"drop\" x1=\"\(Self.n(x))\" y1=\"\(Self.n(tip))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(barTop + Layout.barHeight))\"/>"
            out += "<path class=\"sig\(delivered ? "" : " hollow")\" d=\"M\(Self.n(x - 6)),\(Self.n(tip - 11)) L\(Self.n(x + 6)),\(Self.n(tip - 11)) L\(Self.n(x)),\(Self.n(tip)) Z\"/>"
            out += Self.tip(signalTitle(signal)) + "</g>\n"
            let sender = signal.sender.map { $0.comm ?? $0.hostPID.map { "host PID \($0)" } ?? "?" } ?? "sender not recorded"
            labels.append(MarkerLabel(x: x, text: "\(signal.name) ← \(sender)", cls: "sig-label"))
        }
        for kill in g.oomKills {
            guard let ts = kill.stamp.tsNs else { continue }
            let x = axis.x(Double(ts))
            out += "<g class=\"hover\"><path class=\"oom-mark\" d=\"M\(Self.n(x)),\(Self.n(barMid - 8)) L\(Self.n(x + 8)),\(Self.n(barMid)) L\(Self.n(x)),\(Self.n(barMid + 8)) L\(Self.n(x - 8)),\(Self.n(barMid)) Z\"/>"
            let oomTitle = "OOM kill of " + F.process(kill.process) + (kill.process.hostPID == g.initHostPID ? " (PID 1)" : "")
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
            out += "<text class=\"chain\" x=\"\(Self.n(x))\" y=\"\(Self.n(execY))\" text-anchor=\"\(anchor)\">\(Self.h(shown))" + Self.tip(["exec chain of PID 1:", chain]) + "</text>\n"
        }
        // What happened, one line per finding, under the chain.
        var lastLineY = execY
        for finding in g.findings {
            lastLineY += 16
            let text = finding.text + (finding.fix.map { " Fix: " + $0 + "." } ?? "")
            let shown = Self.ellipsized(text, Int((Layout.plotX1 - Layout.plotX0) / Layout.monoAdvance))
            out += "<text class=\"finding\" x=\"\(Self.n(Layout.plotX0))\" y=\"\(Self.n(lastLineY))\">\(Self.h(shown))"
                + Self.tip([text]) + "</text>\n"
        }
        let bottom = max(lastLineY + 12, barTop + 36)
        out += "<line class=\"sep\" x1=\"0\" y1=\"\(Self.n(bottom))\" x2=\"\(Layout.width)\" y2=\"\(Self.n(bottom))\"/>\n"
        out += "</g>\n"
        return bottom - top
    }

    private func shortEnding(_ g: Generation, _ kind: BarKind) -> String {
        if g.initHostPID == nil { return "PID 1 not in the file" }
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
        head += title + ": PID 1 = " + (g.initHostPID.map { "host \($0)" } ?? "not seen") + (initComm.map { " (\($0))" } ?? "")
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

    private func signalTitle(_ s: TraceReport.Signal) -> [String] {
        ["\(s.name) to PID 1 from " + (s.sender.map(F.sender) ?? "a sender not recorded") + (s.result.map { ", \($0)" } ?? "")]
            + (s.stamp.time.map { ["at " + $0] } ?? [])
    }

    // MARK: marker labels

    private struct MarkerLabel {
        var x: Double
        var text: String
        var cls: String
    }

    /// Labels in up to two lanes above the bar, left to right; one that fits in neither
    /// is left out (its marker keeps the `<title>`).
    private func place(_ labels: [MarkerLabel], baselines: [Double]) -> String {
        var ends = [Double](repeating: -.infinity, count: baselines.count)
        var out = ""
        for label in labels.sorted(by: { $0.x < $1.x }) {
            let text = Self.ellipsized(label.text, 40)
            let width = Double(text.count) * Layout.sansAdvance
            var start = label.x - 4
            var anchor = "start"
            var x = start
            if start + width > Layout.textLimit {
                x = label.x + 4
                start = x - width
                anchor = "end"
            }
            guard let lane = ends.indices.first(where: { ends[$0] + 8 <= start }) else { continue }
            ends[lane] = start + width
            out += "<text class=\"\(label.cls)\" x=\"\(Self.n(x))\" y=\"\(Self.n(baselines[lane]))\" text-anchor=\"\(anchor)\">\(Self.h(text))</text>\n"
        }
        return out
    }

    // MARK: zombies

    private struct ZombieMark {
        var from: Double
        var to: Double
        var openTo: Double?
        var reaped: Bool
        var label: String?
        var title: [String]

        var labelWidth: Double { Double(label?.count ?? 0) * Layout.sansAdvance * 0.95 }
        private var lineEnd: Double { openTo ?? to }
        /// Right of the line's end, else left of its start, else over the line (with a halo).
        var labelPlace: LabelPlace {
            if lineEnd + 8 + labelWidth <= Layout.textLimit { return .right }
            return from - 8 - labelWidth >= Layout.plotX0 ? .left : .over
        }
        var extentFrom: Double { labelPlace == .left ? from - 8 - labelWidth : from }
        var extentTo: Double { labelPlace == .right ? lineEnd + 8 + labelWidth : lineEnd }

        enum LabelPlace { case right, left, over }

        func svg(y: Double) -> String {
            typealias T = TimelineHTML
            var out = "<g class=\"hover\">"
            out += "<line class=\"zline\" x1=\"\(T.n(from))\" y1=\"\(T.n(y))\" x2=\"\(T.n(max(to, from + 1)))\" y2=\"\(T.n(y))\"/>"
            if let openTo, openTo > to {
                out += "<line class=\"zline open\" x1=\"\(T.n(to))\" y1=\"\(T.n(y))\" x2=\"\(T.n(openTo))\" y2=\"\(T.n(y))\"/>"
            }
            out += "<circle class=\"\(reaped ? "zlate" : "znever")\" cx=\"\(T.n(to))\" cy=\"\(T.n(y))\" r=\"4\"/>"
            out += "<rect class=\"hit\" x=\"\(T.n(from - 2))\" y=\"\(T.n(y - 6))\" width=\"\(T.n(max(openTo ?? to, to) - from + 8))\" height=\"12\"/>"
            out += T.tip(title) + "</g>\n"
            if let label {
                let (x, anchor, cls) = switch labelPlace {
                case .right: (lineEnd + 8, "start", "zlabel")
                case .left: (from - 8, "end", "zlabel")
                case .over: (max(to - 8, Layout.plotX0 + labelWidth), "end", "zlabel")
                }
                if labelPlace == .over { // a white box over the line, under the text
                    out += "<rect class=\"zbox\" x=\"\(T.n(x - labelWidth - 3))\" y=\"\(T.n(y - 6))\" width=\"\(T.n(labelWidth + 6))\" height=\"12\" rx=\"2\"/>"
                }
                out += "<text class=\"\(cls)\" x=\"\(T.n(x))\" y=\"\(T.n(y + 4))\" text-anchor=\"\(anchor)\">\(T.h(label))</text>\n"
            }
            return out
        }
    }

    private func zombieMark(_ z: TraceReport.Zombie, reaped: Bool, barEnd: Double, axis: TimeAxis) -> ZombieMark {
        let at = z.stamp.tsNs.map(Double.init) ?? axis.to
        let exited = z.zombieNs.map { at - Double($0) } ?? at
        let to = axis.x(at)
        let from = min(axis.x(max(exited, axis.from)), to)
        let who = (z.process.comm ?? "?") + " (\(z.process.hostPID))"
        let label: String
        var title: String
        if reaped {
            label = who + " reaped after " + (z.zombieNs.map(F.duration) ?? "?")
            title = "zombie reaped late: " + F.process(z.process) + (z.zombieNs.map { ", a zombie for \(F.duration($0))" } ?? "")
                + (z.reaper.map { ", reaped by " + F.process($0) } ?? "") + (z.reparentedToNsInit ? " (reparented to PID 1)" : "")
        } else {
            label = who + " never reaped"
            title = "zombie never reaped: " + F.process(z.process)
                + (z.zombieNs.map { ", a zombie for \(F.duration($0)) at its last record" } ?? "")
        }
        return ZombieMark(from: from, to: to, openTo: reaped ? nil : max(to, barEnd), reaped: reaped,
                          label: Self.ellipsized(label, 48), title: [title] + (z.stamp.time.map { ["last record at " + $0] } ?? []))
    }

    // MARK: events table

    /// Everything on the timeline as a table (collapsed), for reading and copying.
    private func events(_ section: Section) -> String {
        var rows: [(ts: Int?, order: Int, cells: [String])] = []
        func add(_ stamp: TraceReport.Stamp?, _ who: String, _ what: String, _ detail: String) {
            rows.append((stamp?.tsNs, rows.count, [stamp?.time ?? "", who, what, detail]))
        }
        for (i, g) in section.generations.enumerated() {
            let who = g.container.map { "generation \($0.generation)" } ?? "run \(i + 1)"
            let initComm = g.processes.first { $0.process.hostPID == g.initHostPID }?.process.comm
            for step in g.execChain {
                add(step.stamp, who, step.runningAtStart ? "running at start" : "exec", F.command(step.argv, comm: initComm))
            }
            for s in g.signalsToInit { add(s.stamp, who, "signal", signalTitle(s).joined(separator: " ")) }
            for k in g.oomKills {
                add(k.stamp, who, "OOM kill", F.process(k.process) + (k.memcgID.map { ", memory cgroup \($0)" } ?? ""))
            }
            for z in g.neverReaped {
                add(z.stamp, who, "zombie", F.process(z.process) + " never reaped" + (z.zombieNs.map { " (a zombie for \(F.duration($0)) at this record)" } ?? ""))
            }
            for z in g.reapedLate {
                add(z.stamp, who, "reaped late", F.process(z.process) + (z.zombieNs.map { " after \(F.duration($0))" } ?? "")
                    + (z.reaper.map { " by " + F.process($0) } ?? ""))
            }
            if g.initHostPID != nil {
                add(g.ending == nil ? nil : g.end, who, "PID 1 ended", F.ending(g.ending, complete: report.stream.complete))
            }
        }
        guard !rows.isEmpty else { return "" }
        rows.sort { a, b in
            switch (a.ts, b.ts) {
            case let (x?, y?): x != y ? x < y : a.order < b.order
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): a.order < b.order
            }
        }
        var out = "<details><summary>events (\(rows.count))</summary>\n<table class=\"events\">\n"
        out += "<thead><tr><th>time</th><th>who</th><th>event</th><th>details</th></tr></thead>\n<tbody>\n"
        for r in rows {
            out += "<tr>" + r.cells.map { "<td>\(Self.h(Self.clipped($0)))</td>" }.joined() + "</tr>\n"
        }
        return out + "</tbody>\n</table>\n</details>\n"
    }

    // MARK: text helpers

    /// A number for SVG: one decimal, never NaN or infinite.
    static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((min(max(value, -1e9), 1e9) * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return m % 10 == 0 ? "\(sign)\(m / 10)" : "\(sign)\(m / 10).\(m % 10)"
    }

    /// `to - from` when it is not negative and does not overflow (stamps come from the file).
    static func span(_ from: Int, _ to: Int) -> Int? {
        let (ns, overflow) = to.subtractingReportingOverflow(from)
        return overflow || ns < 0 ? nil : ns
    }

    static func ellipsized(_ text: String, _ limit: Int) -> String {
        guard text.count > max(limit, 1) else { return text }
        return String(text.prefix(max(limit, 2) - 1)) + "…"
    }

    /// An SVG `<title>` (the browser's tooltip): one escaped line per element.
    static func tip(_ lines: [String]) -> String {
        "<title>" + lines.map { h(clipped($0)) }.joined(separator: "\n") + "</title>"
    }

    /// Hover text and table cells stay readable for a hostile 100 KB argv.
    static func clipped(_ text: String) -> String { ellipsized(text, 2000) }

    // MARK: style

    private static let defs = """
        <svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
        <linearGradient id="fade-in" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="#fff" stop-opacity="0.9"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></linearGradient>
        <linearGradient id="fade-out" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#fff" stop-opacity="0.9"/></linearGradient>
        </defs></svg>
        """

    private static let css = """
        :root{color-scheme:light}
        body{font:14px/1.4 "DejaVu Sans",system-ui,sans-serif;color:#1f2937;background:#f6f7f9;margin:0;padding:16px 24px}
        header h1{font-size:20px;margin:0 0 8px}
        .facts{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 0 12px;font-size:13px}
        .facts div{display:flex;gap:6px}
        .facts dt{color:#6b7280}
        .facts dd{margin:0;font-weight:600}
        .facts .warn dd{color:#b45309}
        .legend{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:8px 12px;font-size:12.5px;line-height:2}
        .legend-title{font-weight:600;margin-right:6px}
        .key{display:inline-flex;align-items:center;gap:5px;margin-right:16px;white-space:nowrap}
        .hint{color:#6b7280}
        section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin:14px 0;padding:10px 12px;overflow-x:auto}
        h2{font-size:16px;margin:0 0 4px}
        h2 .note{font-weight:400;color:#6b7280;font-size:13px;margin-left:8px}
        .empty{color:#6b7280}
        svg.timeline{display:block;max-width:100%;height:auto}
        svg text{font-family:"DejaVu Sans",system-ui,sans-serif}
        .tick{font-size:11px;fill:#6b7280}
        .axis-caption{font-size:11px;fill:#9ca3af;font-weight:600}
        .axis-line{stroke:#9ca3af}
        .grid{stroke:#eceef1}
        .sep{stroke:#f0f1f3}
        .gen{font-size:13px;font-weight:700;fill:#111827}
        .pid{font-size:11px;fill:#4b5563}
        .end{font-size:11px;font-weight:600}
        .bar.ok{fill:#2f9e5b}.end.ok{fill:#23794a}
        .bar.fail{fill:#e08a00}.end.fail{fill:#a86400}
        .bar.killed{fill:#d64541}.end.killed{fill:#b02a26}
        .bar.oom{fill:#7b4bb7}.end.oom{fill:#6a3aa6}
        .bar.running{fill:#3b82c4}.end.running{fill:#2a69a6}
        .bar.unknown{fill:#9aa3ad}.end.unknown{fill:#6b7280}
        .restart{stroke:#9ca3af;stroke-width:1.5;stroke-dasharray:4 3}
        .exec{stroke:#fff;stroke-width:2;stroke-opacity:.9}
        .legend .exec{stroke:#374151}
        .drop{stroke:#1f2937;stroke-width:1;stroke-opacity:.55;stroke-dasharray:2 2}
        .sig{fill:#1f2937;stroke:#1f2937;stroke-width:1;stroke-linejoin:round}
        .sig.hollow{fill:#fff}
        .oom-mark{fill:#fff;stroke:#5b21b6;stroke-width:2.5;stroke-linejoin:round}
        .sig-label{font-size:11px;fill:#1f2937;font-weight:600}
        .oom-label{font-size:11px;fill:#5b21b6;font-weight:600}
        .zline{stroke:#a16207;stroke-width:4;stroke-linecap:round}
        .zline.open{stroke-width:2;stroke-dasharray:3 3;stroke-linecap:butt}
        .znever{fill:#fff;stroke:#a16207;stroke-width:2}
        .zlate{fill:#a16207}
        .zlabel{font-size:10.5px;fill:#854d0e}
        .zbox{fill:#fff}
        .chain{font:12px "DejaVu Sans Mono",ui-monospace,monospace;fill:#111827}
        .finding{font:12px "DejaVu Sans",sans-serif;fill:#7c2d12}
        .missing{font-size:12px;fill:#6b7280;font-style:italic}
        .hit{fill:transparent}
        g.hover:hover .bar,g.hover:hover .sig,g.hover:hover .oom-mark,g.hover:hover .zline{filter:brightness(1.2)}
        g.hover:hover .bar{stroke:#111827;stroke-width:1.5}
        details{margin-top:6px;font-size:12.5px}
        summary{cursor:pointer;color:#4b5563}
        table.events{border-collapse:collapse;margin-top:6px}
        .events th,.events td{text-align:left;padding:2px 10px 2px 0;vertical-align:top;border-bottom:1px solid #f0f1f3}
        .events td:first-child,.events td:last-child{font-family:"DejaVu Sans Mono",ui-monospace,monospace;font-size:12px}
        """
}

// MARK: -

/// How a bar is coloured: how PID 1 ended.
private enum BarKind: String, CaseIterable {
    case ok, fail, killed, oom, running, unknown

    init(_ g: TraceReport.Generation, complete: Bool) {
        switch g.ending {
        case .exited(0)?: self = .ok
        case .exited?: self = .fail
        case .killed?: self = .killed
        case .oomKilled?: self = .oom
        case nil: self = complete && g.initHostPID != nil ? .running : .unknown
        }
    }

    var legend: String {
        switch self {
        case .ok: "exit 0"
        case .fail: "exit code ≠ 0"
        case .killed: "killed by a signal"
        case .oom: "OOM killed"
        case .running: "still running at trace stop"
        case .unknown: "no end recorded"
        }
    }
}

/// The page's one time axis, in boot-time ns (`ts_ns`), from the earliest to the latest
/// stamp in the file (and the recording's start and stop, when their RFC 3339 times can be
/// placed through a record that has both clocks). Arithmetic is in `Double`: stamps come
/// from the file and may be anything, and nothing here may trap.
struct TimeAxis {
    var from: Double
    var to: Double
    /// Wall-clock epoch ns minus boot ns, from the first record with both; nil when no
    /// record's `time` could be read (tick labels are then seconds from the start).
    var wallOffset: Double?

    init?(_ report: TraceReport) {
        var lo = Double.infinity, hi = -Double.infinity
        var offset: Double?
        for g in report.generations {
            var stamps: [TraceReport.Stamp?] = [g.start, g.end]
            stamps += g.execChain.map(\.stamp) + g.signalsToInit.map(\.stamp) + g.oomKills.map(\.stamp)
            stamps += (g.neverReaped + g.reapedLate).map(\.stamp)
            for case let stamp? in stamps {
                guard let ns = stamp.tsNs else { continue }
                lo = min(lo, Double(ns))
                hi = max(hi, Double(ns))
                if offset == nil, let wall = stamp.time.flatMap(Self.epochNs) { offset = wall - Double(ns) }
            }
        }
        guard lo <= hi else { return nil }
        if let offset {
            for case let wall? in [report.stream.startTime, report.stream.stopTime].map({ $0.flatMap(Self.epochNs) }) {
                lo = min(lo, wall - offset)
                hi = max(hi, wall - offset)
            }
        }
        if hi - lo < 1 { lo -= 5e8; hi += 5e8 } // a single instant: a second around it
        from = lo
        to = hi
        wallOffset = offset
    }

    static let plotX0 = 230.0, plotX1 = 1280.0

    func x(_ t: Double) -> Double {
        let x = Self.plotX0 + (t - from) / (to - from) * (Self.plotX1 - Self.plotX0)
        return x.isFinite ? min(max(x, Self.plotX0), Self.plotX1) : Self.plotX0
    }

    /// Round times about 100 px apart: 1, 2 or 5 × 10^k ns.
    func ticks() -> [(x: Double, label: String)] {
        let span = to - from
        let wanted = span / 10
        var power = 1.0
        while power * 10 <= wanted { power *= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= wanted } ?? 10 * power
        let base = wallOffset ?? -from // label value = boot ns + base
        let digits = step >= 1e9 ? 0 : step >= 1e8 ? 1 : step >= 1e7 ? 2 : step >= 1e6 ? 3 : step >= 1e3 ? 6 : 9
        var result: [(Double, String)] = []
        var value = ((from + base) / step).rounded(.up) * step
        while value <= to + base, result.count < 40 {
            let text = wallOffset != nil ? Self.clock(value, digits: digits) : Self.seconds(value, digits: digits)
            result.append((x(value - base), text))
            value += step
        }
        return result
    }

    /// Epoch ns as "HH:MM:SS[.fff]" (UTC).
    static func clock(_ ns: Double, digits: Int) -> String {
        guard let (secs, frac) = split(ns, digits: digits) else { return "?" }
        let day = ((secs % 86400) + 86400) % 86400
        var text = two(day / 3600) + ":" + two(day / 60 % 60) + ":" + two(day % 60)
        if digits > 0 { text += "." + padded(frac, digits) }
        return text
    }

    /// Relative ns as "12 s", "12.5 s".
    static func seconds(_ ns: Double, digits: Int) -> String {
        if ns < 0 { return "-" + seconds(-ns, digits: digits) }
        guard let (secs, frac) = split(ns, digits: digits) else { return "?" }
        return "\(secs)" + (digits > 0 ? "." + padded(frac, digits) : "") + " s"
    }

    /// Whole seconds (floored) and the fraction in units of 10^-digits s.
    private static func split(_ ns: Double, digits: Int) -> (Int, Int)? {
        var perSecond = 1
        for _ in 0..<digits { perSecond *= 10 }
        let units = (ns / (1e9 / Double(perSecond))).rounded()
        guard units.isFinite, abs(units) < 9e18 else { return nil }
        let u = Int(units)
        let secs = u >= 0 ? u / perSecond : -((-u + perSecond - 1) / perSecond)
        return (secs, u - secs * perSecond)
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    private static func padded(_ v: Int, _ width: Int) -> String {
        let text = String(v)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// An RFC 3339 time ("2026-03-02T10:00:00.123456789Z", or with "+02:00") as ns since
    /// the epoch; nil for anything else.
    static func epochNs(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                guard i < b.count, (48...57).contains(b[i]) else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let year = number(0..<4), b[4] == 0x2d, let month = number(5..<7), b[7] == 0x2d,
              let day = number(8..<10), [0x54, 0x74, 0x20].contains(b[10]),
              let hour = number(11..<13), b[13] == 0x3a, let minute = number(14..<16), b[16] == 0x3a,
              let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == 0x2e {
            i += 1
            var scale = 1e8
            let first = i
            while i < b.count, (48...57).contains(b[i]) {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > first else { return nil }
        }
        guard i < b.count else { return nil }
        var zone = 0
        if b[i] == 0x5a || b[i] == 0x7a {
            i += 1
        } else if b[i] == 0x2b || b[i] == 0x2d, b.count == i + 6, let h = number(i + 1..<i + 3), b[i + 3] == 0x3a,
                  let m = number(i + 4..<i + 6) {
            zone = (b[i] == 0x2b ? 1 : -1) * (h * 3600 + m * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Days from 1970-01-01 to the civil date (proleptic Gregorian, 400-year eras).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - zone
        return Double(seconds) * 1e9 + fraction
    }
}
