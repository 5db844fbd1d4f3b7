import ArgumentParser
import Glibc
import PidtraceCore

struct Agent: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow every container on the host, always on: a history of each run's end, and metrics.",
        discussion: """
            Every container of Docker and Podman (through their API socket, when one
            answers) and of containerd and CRI-O pods (through their state on disk),
            running now or created later, is traced as `pidtrace --container` traces
            one. Host processes outside containers are left out in the kernel, unless
            --include-host.

            When a container generation ends (its PID 1 gone, its namespace torn
            down) the agent commits a history entry to a SQLite database in
            --state-dir: how it ended, who caused it, the story `pidtrace summary`
            tells, and the generation's records (bounded). `pidtrace history` and
            `pidtrace why` read it, also while the agent runs. /metrics serves
            Prometheus counters of the same ends, and the agent's own health.

            Without --json or --output the agent writes only its history and
            metrics. SIGINT or SIGTERM stops it (what is recorded is flushed);
            SIGHUP reopens the --output file.

            Examples:
              pidtrace agent                 history in /var/lib/pidtrace, metrics
                                             on 127.0.0.1:9464
              pidtrace agent --json          NDJSON on standard output too
              pidtrace agent --retain 3d --max-state-size 1GiB
              pidtrace history --since 24h   later: each container end of the day
              pidtrace why web               and the story of web's latest end

            """ + "\n" + CommandExit.help)

    @Option(help: ArgumentHelp("The history's directory (created 0700 when missing).", valueName: "DIR"))
    var stateDir = HistoryStore.defaultDirectory

    @Option(help: ArgumentHelp("Keep history entries this long (e.g. 7d, 24h).", valueName: "DURATION"),
            transform: CLIValues.duration)
    var retain: Duration = .seconds(7 * 86400)

    @Option(help: ArgumentHelp("The most the state directory may hold (e.g. 256MiB, 1GiB); oldest entries go first.",
                               valueName: "SIZE"), transform: CLIValues.byteSize)
    var maxStateSize = 256 << 20

    @OptionGroup(title: "Metrics")
    var metrics: MetricsOptions

    @Flag(help: "Write NDJSON to standard output too.")
    var json = false

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp(
        "Record NDJSON to FILE too (created 0600; appended to when it exists).", valueName: "FILE"))
    var output: String?

    @Flag(help: "Trace host processes outside containers too (costs the agent every host fork, exec and exit).")
    var includeHost = false

    @Option(help: ArgumentHelp(
        "A CRI runtime's state directory (repeatable; default: /run/containerd and /run/containers/storage).",
        valueName: "DIR"))
    var runtimeRoot: [String] = []

    @Option(help: ArgumentHelp(
        "A Docker or Podman API socket (repeatable; default: DOCKER_HOST, else unix:///var/run/docker.sock, "
            + "and unix:///run/podman/podman.sock: each that answers is followed).", valueName: "unix:///PATH"))
    var dockerHost: [String] = []

    @OptionGroup(title: "Events")
    var tracing: TracingOptions

    @OptionGroup(title: "Diagnostics")
    var diagnostics: DiagnosticOptions

    mutating func validate() throws {
        try tracing.check()
        // A run ends at its PID 1's exit, and its namespace leaves the kernel filter
        // at its release (reap): without them the agent would fill the filter for good.
        if let missing = [EventKind.exit, .reap].first(where: { !tracing.events.contains($0) }) {
            throw ValidationError("--events: the agent needs \(missing.name) (a run's end is its PID 1's exit; its release frees the kernel filter's entry)")
        }
        if stateDir.isEmpty { throw ValidationError("--state-dir needs a directory") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        if runtimeRoot.contains(where: { $0.isEmpty }) { throw ValidationError("--runtime-root needs a directory") }
        for host in dockerHost {
            do {
                _ = try DockerEndpoint.socketPath(fromURL: host, source: "--docker-host")
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() throws {
        Log.bootstrap(level: diagnostics.logLevel)
        StopRequest.installSignalHandlers()
        do {
            let agent = try NodeAgent(options: options())
            let stop = try agent.run()
            StandardError.line("pidtrace agent: \(stop.events) events, \(stop.lost) lost (\(stop.reason))")
        } catch {
            StandardError.line("pidtrace agent: error: \(error)")
            throw ExitCode(error.exitStatus)
        }
    }

    func options() -> NodeAgent.Options {
        var o = NodeAgent.Options()
        o.trace = traceOptions()
        o.stateDirectory = stateDir
        o.retain = retain
        o.maxStateBytes = maxStateSize
        o.metricsAddress = metrics.metricsAddress
        return o
    }

    func traceOptions() -> TraceOptions {
        var o = TraceOptions()
        tracing.apply(to: &o)
        o.followAllContainers = true
        o.outputPath = output
        o.outputMode = .append
        o.jsonToStdout = json
        o.quiet = true
        o.idlePollMs = 500
        o.storyNodeLimit = StoryTracker.agentNodeLimit
        o.verbose = diagnostics.verbose
        o.dockerHosts = dockerHost
        if !runtimeRoot.isEmpty { o.runtimeRoots = runtimeRoot }
        // The host's namespace by its fixed inode: /proc/1/ns may be closed to us.
        if includeHost { o.tracer.pidNamespaces = [BPFTracer.hostPIDNamespace] }
        return o
    }
}
