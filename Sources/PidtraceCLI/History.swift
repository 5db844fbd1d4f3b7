import ArgumentParser
import PidtraceCore

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the ends of container generations that `pidtrace agent` kept.",
        discussion: """
            One line per generation end, oldest first: when it ended (UTC), the
            container (POD/NAME (NAMESPACE) for a pod's), its generation, how it
            ended, and what happened in one line. Reads the agent's history
            database without blocking the agent. `pidtrace why NAME` tells the
            whole story of one end. --json writes one object per entry (NDJSON),
            with the fields of docs/history.md.

            Exit status: 0 (also when nothing ended in the period asked for); 66
            when the state directory has no history, or this user may not read
            it; 68 when no entry names the container or pod (the message lists
            those the history knows); 65 or 74 when the database cannot be read.

            Examples:
              pidtrace history
              pidtrace history --container web --since 24h
              pidtrace history --pod web --namespace shop --since 2026-12-01T00:00:00Z
              pidtrace history --json | jq 'select(.sigterm_ignored)'
            """)

    @OptionGroup
    var state: StateDirectory

    @Option(help: ArgumentHelp("Only this container: name, ID or ID prefix; POD/NAME for a pod's container.",
                               valueName: "NAME|ID"))
    var container: String?

    @Option(help: ArgumentHelp("Only this Kubernetes pod's containers.", valueName: "NAME"))
    var pod: String?

    @Option(help: ArgumentHelp("With --pod or --container POD/NAME: the pod's namespace.", valueName: "NAMESPACE"))
    var namespace: String?

    @Option(help: ArgumentHelp("Only ends since then: a time ago (90s, 30m, 24h, 7d) or an RFC 3339 time.",
                               valueName: "24h|RFC3339"))
    var since: String?

    @Flag(help: "Write NDJSON (one object per entry) instead of the table.")
    var json = false

    mutating func validate() throws {
        try state.check()
        if container?.isEmpty == true { throw ValidationError("--container needs a name or an ID") }
        if let pod, pod.isEmpty || pod.contains("/") { throw ValidationError("--pod needs a pod name (the namespace goes in --namespace)") }
        if pod != nil, container?.contains("/") == true {
            throw ValidationError("--container POD/NAME names its pod already: leave out --pod")
        }
        if let container, container.contains("/"), PodSelector.containerRef(container, namespace: nil) == nil {
            throw ValidationError("--container '\(container)': a pod's container is POD/NAME")
        }
        if let namespace {
            if namespace.isEmpty || namespace.contains("/") { throw ValidationError("--namespace needs a namespace name") }
            if pod == nil && container?.contains("/") != true {
                throw ValidationError("--namespace goes with --pod or --container POD/NAME")
            }
        }
        if let since, HistoryTimeText.since(since) == nil {
            throw ValidationError("--since '\(since)' is neither a time ago (90s, 30m, 24h, 7d) nor an RFC 3339 time")
        }
    }

    /// The entries asked for, without `--since`: which containers there are.
    var filter: HistoryFilter {
        if let container, let ref = PodSelector.containerRef(container, namespace: namespace) {
            return HistoryFilter(container: ref.container, pod: ref.pod, namespace: ref.namespace)
        }
        return HistoryFilter(container: container, pod: pod, namespace: namespace)
    }

    func run() throws {
        let store = try state.openHistory()
        var filter = filter
        filter.sinceUnixNs = since.flatMap { HistoryTimeText.since($0) }
        let entries = try StateDirectory.reporting { () throws(HistoryError) in try store.entries(matching: filter) }
        if entries.isEmpty, container != nil || pod != nil {
            // Named, but nothing in the period: known (an empty answer) or not (68)?
            let all = try StateDirectory.reporting { () throws(HistoryError) in try store.entries(matching: self.filter) }
            if all.isEmpty { try state.unknown(pod.map { "pod '\($0)'" } ?? "container '\(container ?? "")'", in: store) }
        }
        if json { return try RecordedFile.write(HistoryEntry.ndjson(entries)) }
        if entries.isEmpty {
            StandardError.line("pidtrace: no generation ended" + (since.map { " since \($0)" } ?? "") + " in the history in \(state.stateDir)")
            return
        }
        try RecordedFile.write(Array(HistoryEntry.table(entries).utf8))
    }
}
