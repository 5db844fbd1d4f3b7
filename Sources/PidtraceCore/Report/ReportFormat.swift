/// Pieces of text shared by the summary and the tree. Everything that comes from
/// the file is made terminal-safe: control characters become '?'.
enum ReportFormat {
    static func printable(_ text: String) -> String {
        let isControl = { (s: Unicode.Scalar) in s.value < 0x20 || (0x7f..<0xa0).contains(s.value) }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "?" : $0 }))
    }

    /// An argv as a shell would take it back (`nginx -g 'daemon off;'`); an empty one
    /// (execve with no arguments) as "[comm]".
    static func command(_ argv: [String], comm: String?) -> String {
        argv.isEmpty ? "[\(printable(comm ?? "?"))]" : ShellQuote.join(argv.map(printable))
    }

    /// "host 4250/ns 3 (sleep)".
    static func process(_ p: TraceReport.ProcessRef) -> String {
        var text = "host \(p.hostPID)"
        if let ns = p.nsPID { text += "/ns \(ns)" }
        if let comm = p.comm { text += " (\(printable(comm)))" }
        return text
    }

    /// "81 ms", "5.2 s": the one way durations are printed (`DurationText`).
    static func duration(_ ns: Int) -> String { DurationText.of(ns: ns) }

    /// "SIGCHLD ×12, SIGURG ×3", most frequent first.
    static func counts(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\(printable($0.key)) ×\($0.value)" }.joined(separator: ", ")
    }

    static func exit(_ outcome: TraceReport.ExitOutcome) -> String {
        switch outcome {
        case let .code(code): "exit " + ExitCodeMeaning.explained(code)
        case let .signal(_, name, core): printable(name) + (core ? ", core dumped" : "")
        }
    }

    static func ending(_ ending: TraceReport.Ending?, complete: Bool) -> String {
        switch ending {
        case let .exited(code)?:
            return "exit " + ExitCodeMeaning.explained(code)
        case let .killed(_, name, core, sender)?:
            return "killed by \(printable(name))" + (sender.map { " from " + Self.sender($0) } ?? " (sender not recorded)")
                + (core ? ", core dumped" : "")
        case let .oomKilled(memcg)?:
            return "killed by the OOM killer" + (memcg.map { " (memory cgroup \($0))" } ?? "")
        case nil:
            return complete ? "still running when the trace stopped" : "no end recorded (the file was cut short)"
        }
    }

    /// Where a signal came from: "from host PID 77 (dockerd)", "from the kernel: ...".
    static func source(_ s: TraceReport.Signal) -> String {
        let origin = s.origin.flatMap(SignalOrigin.init(name:)) ?? .process
        guard origin != .process else { return s.sender.map { "from " + sender($0) } ?? "(sender not recorded)" }
        let who = s.sender.map { (hostPID: $0.hostPID ?? 0, comm: printable($0.comm ?? "?")) }
        let isTarget = s.sender?.hostPID != nil && s.sender?.hostPID == s.target?.hostPID
        return SignalCause.describe(signal: Int32(clamping: s.number), origin: origin, sender: who, senderIsTarget: isTarget)
    }

    /// "host PID 77 (dockerd)", "host PID 90/ns 4 (sh) in web".
    static func sender(_ s: TraceReport.Signal.Sender) -> String {
        var text = s.hostPID.map { "host PID \($0)" } ?? "an unknown process"
        if let ns = s.nsPID { text += "/ns \(ns)" }
        if let comm = s.comm { text += " (\(printable(comm)))" }
        if let container = s.containerName { text += " in \(printable(container))" }
        return text
    }

    static func title(_ g: TraceReport.Generation) -> String {
        if let c = g.container { return "generation \(c.generation)" }
        return "PID namespace " + (g.pidns.map(String.init) ?? "unknown")
    }

    static func containerName(_ id: String, _ name: String?) -> String {
        name.map { "\(printable($0)) (\(printable(String(id.prefix(12)))))" } ?? printable(String(id.prefix(12)))
    }
}
