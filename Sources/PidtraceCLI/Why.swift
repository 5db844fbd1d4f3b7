import ArgumentParser
import PidtraceCore

struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell why a container's generation ended, from the history `pidtrace agent` kept.",
        discussion: """
            The story of the container's latest end (or of --generation N alone):
            the same text `pidtrace summary` prints for that generation, rebuilt
            from the records the agent kept with it (PID 1's, the signals to it,
            OOM kills and the latest others: docs/history.md). A latest end that
            closes a crash loop, alike generations one after another, tells the
            loop, as `summary` does. A generation that ended while no agent ran is
            told as the runtime reported it. Reads the database without blocking
            the agent.

            --json writes {"entries": [...], "story": {...}}: the entries as
            `history --json` writes them and `summary --json` of their records.
            --html writes the `summary --html` timeline of those records.

            Exit status: 0; 66 when the state directory has no history, or this
            user may not read it; 68 when the history has no such container or
            generation (the message lists the containers it knows); 65 when the
            name fits several containers (give POD/NAME and --namespace, or an ID
            prefix); 65 or 74 when the database cannot be read; 73 when the
            --html file cannot be created.

            Examples:
              pidtrace why web
              pidtrace why web --generation 3
              pidtrace why web/app --namespace shop
              pidtrace why web --html web.html
            """)

    @Argument(help: ArgumentHelp("The container: name, ID or ID prefix; POD/NAME for a pod's container.",
                                 valueName: "NAME|POD/NAME"))
    var container: String

    @Option(help: ArgumentHelp("With POD/NAME: the pod's namespace.", valueName: "NAMESPACE"))
    var namespace: String?

    @OptionGroup
    var state: StateDirectory

    @Option(help: ArgumentHelp("This generation's end instead of the latest.", valueName: "N"))
    var generation: Int?

    @Flag(help: "Write one JSON document instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Write an HTML timeline to this file instead of the text (- for standard output).",
                               valueName: "FILE"))
    var html: String?

    mutating func validate() throws {
        try state.check()
        if container.isEmpty { throw ValidationError("NAME needs a container name, ID or POD/NAME") }
        let podRef = PodSelector.containerRef(container, namespace: namespace)
        if container.contains("/") && podRef == nil { throw ValidationError("'\(container)': a pod's container is POD/NAME") }
        if let namespace {
            if namespace.isEmpty || namespace.contains("/") { throw ValidationError("--namespace needs a namespace name") }
            if podRef == nil { throw ValidationError("--namespace goes with POD/NAME") }
        }
        if let generation, generation < 1 { throw ValidationError("--generation counts from 1") }
        if let html {
            if html.isEmpty { throw ValidationError("--html needs a file name (or - for standard output)") }
            if json { throw ValidationError("--json and --html cannot be used together") }
        }
    }

    func run() throws {
        let store = try state.openHistory()
        let filter = PodSelector.containerRef(container, namespace: namespace).map {
            HistoryFilter(container: $0.container, pod: $0.pod, namespace: $0.namespace)
        } ?? HistoryFilter(container: container)
        let entries = try StateDirectory.reporting { () throws(HistoryError) in try store.entries(matching: filter) }
        guard !entries.isEmpty else { try state.unknown("container '\(container)'", in: store) }
        let containers = Dictionary(grouping: entries, by: Self.key)
        guard containers.count == 1 else {
            let names = containers.values.map { $0[$0.count - 1] }.sorted { $0.endUnixNs < $1.endUnixNs }
                .map { e in e.pod.map { "\($0)/\(e.containerName ?? "?") --namespace \(e.namespace ?? "?")" }
                    ?? "\(e.containerName ?? "?") (ID \(e.containerID.prefix(12)))" }
            StandardError.line("pidtrace: error: '\(container)' fits several containers in the history: "
                              + names.joined(separator: "; "))
            throw ExitCode(.dataError) // as for an ambiguous ID prefix
        }
        let chosen: Int
        if let generation {
            guard let index = entries.lastIndex(where: { $0.generation == generation }) else {
                let numbers = entries.map(\.generation)
                StandardError.line("pidtrace: error: the history has no generation \(generation) of '\(container)'; "
                                  + "it has \(numbers.min() ?? 0)–\(numbers.max() ?? 0) (`pidtrace history --container \(container)`)")
                throw ExitCode(.noHost)
            }
            chosen = index
        } else {
            chosen = entries.count - 1
        }
        // Asked for by number, a generation is told alone; the latest with its crash loop.
        let story = try StateDirectory.reporting { () throws(HistoryError) in
            try HistoryStory(of: chosen, in: entries, rollUp: generation == nil, store: store)
        }
        if let html {
            guard !story.report.generations.isEmpty else {
                StandardError.line("pidtrace: error: generation \(entries[chosen].generation) of '\(container)' was not observed: no records to draw")
                throw ExitCode(.dataError)
            }
            try Summary.writeHTML(Array(story.report.timelineHTML().utf8), to: html)
            if html != "-" { StandardError.line(Summary.wroteLine(path: html, generations: story.report.generations.count)) }
            return
        }
        try RecordedFile.write(json ? story.json() : Array(story.text().utf8))
    }

    /// One container as `summary` groups them: a pod's by pod and name, others by name
    /// (recreated under it), or by ID without one.
    private static func key(_ e: HistoryEntry) -> String {
        if let pod = e.pod { return "pod \(e.namespace ?? "") \(pod) \(e.containerName ?? e.containerID)" }
        return e.containerName.map { "name " + $0 } ?? "id " + e.containerID
    }
}
