extension TraceReport {
    /// `pidtrace summary --html`: one self-contained page (inline CSS and SVG, no
    /// script, nothing fetched; a Content-Security-Policy says so to the browser) with
    /// the recording's facts, a legend, and per container (or per PID namespace, for
    /// traces without containers) one row per generation on a time axis shared by the
    /// whole page: PID 1's lifetime (or the container's own init's, in a shared PID
    /// namespace) as a bar coloured by how it ended, its exec chain under the bar,
    /// signals to it with their sender, OOM kills and zombies as
    /// markers, and hover details in SVG `<title>`s. Every string from the file is
    /// escaped (`HTMLEscape`).
    public func timelineHTML() -> String {
        TimelineHTML(report: self).page()
    }
}

/// The timeline page: its frame, facts and legend. The parts are extensions in the
/// other `Timeline*.swift` files (section, row, markers, zombies, events table, style).
struct TimelineHTML {
    typealias F = ReportFormat
    typealias Generation = TraceReport.Generation

    let report: TraceReport
    let axis: TimeAxis?

    init(report: TraceReport) {
        self.report = report
        axis = TimeAxis(report)
    }

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
        let role = initRole
        var out = "<div class=\"legend\">\n<span class=\"legend-title\">\(role.title) ended:</span>\n"
        for kind in BarKind.allCases { out += swatch(kind) + "\n" }
        out += """
            <span class="key"><svg width="26" height="12" aria-hidden="true"><rect class="bar ok" x="0" y="1" width="26" height="10" rx="2"/><rect x="0" y="1" width="26" height="10" fill="url(#fade-in)"/></svg>faded start: running when the trace began</span>
            <br>
            <span class="legend-title">Markers:</span>
            <span class="key"><svg width="14" height="14" aria-hidden="true"><path class="sig" d="M1,2 L13,2 L7,12 Z"/></svg>signal to \(role.phrase), label “name ← sender” (hollow: not delivered)</span>
            <span class="key"><svg width="14" height="14" aria-hidden="true"><path class="oom-mark" d="M7,1 L13,7 L7,13 L1,7 Z"/></svg>OOM kill</span>
            <span class="key"><svg width="18" height="14" aria-hidden="true"><line class="exec" x1="9" y1="0" x2="9" y2="14"/></svg>exec by \(role.phrase)</span>
            <span class="key"><svg width="36" height="12" aria-hidden="true"><line class="zline" x1="2" y1="6" x2="24" y2="6"/><line class="zline open" x1="24" y1="6" x2="34" y2="6"/><circle class="znever" cx="24" cy="6" r="4"/></svg>zombie never reaped</span>
            <span class="key"><svg width="30" height="12" aria-hidden="true"><line class="zline" x1="2" y1="6" x2="24" y2="6"/><circle class="zlate" cx="24" cy="6" r="4"/></svg>zombie reaped late</span>
            <span class="hint">Hover a bar or marker for details. Times are \(axis?.wallOffset != nil ? "UTC, from the records" : "seconds from the first record").</span>
            </div>

            """
        return out
    }

    /// How the legend names what a bar is the life of: PID 1, or the container's own init
    /// when the container joined a PID namespace shared with others (a pod's: PID 1 there
    /// is the sandbox's), or both when the page has both.
    private var initRole: (title: String, phrase: String) {
        let joined = report.generations.filter(\.initJoinedNamespace).count
        if joined == 0 { return ("PID 1", "PID 1") }
        if joined == report.generations.count { return ("The container's init", "the container's init") }
        return ("PID 1 (or a container's own init, where it shares a PID namespace)", "PID 1 (or the container's init)")
    }
}
