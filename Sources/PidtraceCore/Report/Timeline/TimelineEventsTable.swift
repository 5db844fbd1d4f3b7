extension TimelineHTML {
    /// Everything on the timeline as a table (collapsed), for reading and copying.
    func events(_ section: Section) -> String {
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
            for s in g.signalsToInit { add(s.stamp, who, "signal", signalTitle(s, to: g.initLabel).joined(separator: " ")) }
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
                add(g.ending == nil ? nil : g.end, who, "\(g.initLabel) ended", F.ending(g.ending, complete: report.stream.complete))
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
}
