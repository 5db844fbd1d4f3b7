/// Links each process node to its parent by `host_ppid`.
enum ProcessParents {
    /// The parent is the latest earlier node with that host PID (PID reuse makes
    /// later ones other processes). Snapshot records come ordered by PID, not by
    /// age, so a node with no earlier match may take a later one, unless that
    /// would close a loop (a damaged file can claim anything).
    static func link(_ nodes: inout [TraceReport.ProcessNode]) {
        var byHostPID: [Int: [Int]] = [:]
        for (i, n) in nodes.enumerated() { byHostPID[n.process.hostPID, default: []].append(i) }
        var linkedForward = false // only a link to a later node can close a loop
        for i in nodes.indices {
            guard let ppid = nodes[i].hostPPID, let candidates = byHostPID[ppid] else { continue }
            let earlier = candidates.last { $0 < i }
            guard let parent = earlier ?? candidates.first(where: { $0 > i }) else { continue }
            if (linkedForward || earlier == nil) && reaches(from: parent, to: i, nodes) { continue }
            nodes[i].parent = parent
            linkedForward = linkedForward || earlier == nil
        }
    }

    /// Whether walking up from `start` meets `target` (parents set so far).
    private static func reaches(from start: Int, to target: Int, _ nodes: [TraceReport.ProcessNode]) -> Bool {
        var current: Int? = start
        var steps = 0
        while let c = current, steps <= nodes.count {
            if c == target { return true }
            current = nodes[c].parent
            steps += 1
        }
        return false
    }
}
