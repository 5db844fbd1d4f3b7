extension TimelineHTML {
    struct ZombieMark {
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

    func zombieMark(_ z: TraceReport.Zombie, reaped: Bool, barEnd: Double, axis: TimeAxis) -> ZombieMark {
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
}
