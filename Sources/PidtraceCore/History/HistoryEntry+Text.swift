extension HistoryEntry {
    /// `pidtrace history`: a heading, then one line per entry in the given order: when
    /// it ended (UTC, to the second), the container (POD/NAME (NAMESPACE) for a pod's),
    /// its generation, how it ended and the one-line story.
    public static func table(_ entries: [HistoryEntry]) -> String {
        let rows = entries.map { e in [e.endText, e.containerText, String(e.generation), e.endingText, ReportFormat.printable(e.headline)] }
        let heading = ["ENDED", "CONTAINER", "GEN", "HOW", "WHAT HAPPENED"]
        let widths = (0..<4).map { i in ([heading] + rows).map { $0[i].count }.max() ?? 0 }
        return ([heading] + rows).map { row in
            (0..<4).map { i in i == 2 ? lpad(row[i], widths[i]) : pad(row[i], widths[i]) }.joined(separator: "  ")
                + "  " + row[4]
        }.joined(separator: "\n") + "\n"
    }

    /// "2026-12-01T14:07:42Z".
    var endText: String {
        let t = CivilTime(wallNs: Int64(endUnixNs))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(t.year)-\(two(t.month))-\(two(t.day))T\(two(t.hour)):\(two(t.minute)):\(two(t.second))Z"
    }

    /// "web", "web/app (shop)" for a pod's container; the short ID when it has no name.
    var containerText: String {
        let name = ReportFormat.printable(containerName ?? String(containerID.prefix(12)))
        guard let pod else { return name }
        return ReportFormat.printable(pod) + "/" + name + (namespace.map { " (\(ReportFormat.printable($0)))" } ?? "")
    }

    /// "exit 0", "SIGKILL", "OOM kill", "not observed".
    var endingText: String {
        if !observed { return "not observed" }
        if cause == .oomKiller { return "OOM kill" }
        return how == "exit" ? "exit \(exitCode.map(String.init) ?? "?")" : ReportFormat.printable(how)
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    private static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
}
