extension TimelineHTML {
    struct Section {
        var heading: String   // escaped HTML
        var note: String      // escaped HTML
        var fullID: String?
        var container: Bool
        var generations: [Generation]
    }

    func sections() -> [Section] {
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

    func render(_ section: Section) -> String {
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
}
