extension TraceReport {
    /// The text of `pidtrace tree`: per generation, its processes as a tree with
    /// `host_pid/ns_pid` on every node, each node's command lines (exec chain) joined
    /// by "→", and how it ended. Children are indented two spaces under their parent.
    public static func treeText(_ generations: [Generation]) -> String {
        typealias F = ReportFormat
        var lines: [String] = []
        for g in generations {
            if !lines.isEmpty { lines.append("") }
            var title = g.container.map { "container \(F.containerName($0.id, $0.name)), " } ?? ""
            title += F.title(g) + (g.container != nil ? g.pidns.map { ", pidns \($0)" } ?? "" : "")
            lines.append(title + " (HOST-PID/NS-PID)")
            if g.processes.isEmpty { lines.append("(no fork, exec, exit or snapshot records)") }
            lines += nodeLines(g.processes)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Depth-first with an explicit stack: a long fork chain cannot overflow the call stack.
    private static func nodeLines(_ nodes: [ProcessNode]) -> [String] {
        var children = [[Int]](repeating: [], count: nodes.count)
        var roots: [Int] = []
        for (i, n) in nodes.enumerated() {
            if let p = n.parent { children[p].append(i) } else { roots.append(i) }
        }
        var lines: [String] = []
        var stack = roots.reversed().map { ($0, 0) }
        while let (i, depth) = stack.popLast() {
            lines.append(String(repeating: "  ", count: depth) + label(nodes[i]))
            stack += children[i].reversed().map { ($0, depth + 1) }
        }
        return lines
    }

    private static func label(_ n: ProcessNode) -> String {
        typealias F = ReportFormat
        var text = "\(n.process.hostPID)/" + (n.process.nsPID.map(String.init) ?? "?") + " "
        text += n.commands.isEmpty
            ? F.printable(n.process.comm ?? "?")
            : n.commands.map { F.command($0, comm: n.process.comm) }.joined(separator: " → ")
        var status = n.exit.map { [F.exit($0)] } ?? []
        if n.neverReaped { status.append("zombie, never reaped") }
        if !status.isEmpty { text += " (" + status.joined(separator: ", ") + ")" }
        return text
    }
}
