import ArgumentParser
import Glibc
import Logging
import PidtraceCore

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace process events live (the default command).",
        discussion: """
            Examples:
              pidtrace                                 the whole host, as a table
              pidtrace --json | jq .                   NDJSON on standard output
              pidtrace -o events.ndjson --quiet        record to a file only
              pidtrace --pid 4242 --events exec,exit   one PID namespace (and those below it)
              pidtrace --duration 10 --threads         ten seconds, thread events too
              pidtrace --container web -o web.ndjson   a container, across its restarts
              pidtrace --pod web --namespace shop --json   a Kubernetes pod (containerd, CRI-O)
              pidtrace --container web/app --wait      one container of pod web, once it runs

            SIGINT or SIGTERM (or --duration) stops the trace: the ring buffer is
            drained, a `stop` record written, the output flushed and fsynced. A
            second SIGINT exits at once. SIGHUP reopens the --output file (log
            rotation).

            """ + "\n" + CommandExit.help)

    @Flag(help: "Write NDJSON to standard output instead of the table.")
    var json = false

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp(
        "Record NDJSON to FILE (created 0600).", valueName: "FILE"))
    var output: String?

    @Flag(help: "Add to an existing output file.")
    var append = false

    @Flag(help: "Replace an existing output file.")
    var force = false

    @Flag(name: .shortAndLong, help: "No table (on a terminal, one updating status line instead).")
    var quiet = false

    @Option(help: ArgumentHelp(
        "Follow only the PID namespace of this host PID, and those nested below it (repeatable).",
        valueName: "HOSTPID"))
    var pid: [Int32] = []

    @Option(help: ArgumentHelp("Follow only this PID namespace, by inode (repeatable).", valueName: "INODE"))
    var pidns: [UInt32] = []

    @OptionGroup(title: "Containers")
    var selection: ContainerSelection

    @Flag(help: "With --container or --pod: one that is not running is followed from its next start.")
    var wait = false

    @OptionGroup(title: "Events")
    var tracing: TracingOptions

    @Option(help: ArgumentHelp("Stop by itself after this many seconds.", valueName: "SECONDS"))
    var duration: Double?

    @Flag(help: "At the end, print the same report as `pidtrace summary` on standard error.")
    var summary = false

    @OptionGroup(title: "Diagnostics")
    var diagnostics: DiagnosticOptions

    @Option(help: .hidden)
    var pauseConsumerMs: Int = 0

    mutating func validate() throws {
        if let duration, !(duration > 0 && duration <= 365 * 86400) {
            throw ValidationError("--duration must be a number of seconds above 0")
        }
        try tracing.check()
        if append && force { throw ValidationError("--append and --force exclude each other") }
        if (append || force) && output == nil { throw ValidationError("--append and --force go with --output") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        if let bad = pid.first(where: { $0 <= 0 }) { throw ValidationError("--pid \(bad) is not a process ID") }
        if pidns.contains(0) { throw ValidationError("--pidns 0 is not a namespace inode") }
        if quiet && output == nil && !json { throw ValidationError("--quiet without --output or --json records nothing") }
        if !(0...60_000).contains(pauseConsumerMs) { throw ValidationError("--pause-consumer-ms out of range") }
        try selection.check(refs: selection.containers)
        if wait && selection.containers.isEmpty && selection.pods.isEmpty {
            throw ValidationError("--wait goes with --container or --pod")
        }
    }

    func options(proc: ProcReader = ProcReader()) throws(TraceError) -> TraceOptions {
        var o = TraceOptions()
        tracing.apply(to: &o)
        o.summary = summary
        // Not over a table or over NDJSON on the same terminal.
        o.liveStatus = (quiet || json) && isatty(STDERR_FILENO) == 1 && !(json && isatty(STDOUT_FILENO) == 1)
        for p in pid {
            guard let inode = proc.namespaceInode(pid: p) else { throw .noSuchProcess(p) }
            o.tracer.pidNamespaces.append(inode)
        }
        for inode in pidns {
            guard proc.pidNamespaceExists(inode) else { throw .noSuchPIDNamespace(inode) }
            o.tracer.pidNamespaces.append(inode)
        }
        o.outputPath = output
        o.outputMode = append ? .append : force ? .replace : .createNew
        o.jsonToStdout = json
        o.quiet = quiet
        o.durationSeconds = duration
        o.outputOwner = FileOwner.sudoInvoker(environment: DockerEndpoint.processEnvironment())
        o.verbose = diagnostics.verbose
        o.pauseConsumerMs = pauseConsumerMs
        let selectors = selection.podSelectors(refs: selection.containers)
        o.containers = selectors.isEmpty ? selection.containers : []
        o.pods = selectors
        if !selection.runtimeRoot.isEmpty { o.runtimeRoots = selection.runtimeRoot }
        o.dockerHost = selection.dockerHost
        o.waitForContainers = wait
        return o
    }

    func run() throws {
        Log.bootstrap(level: diagnostics.logLevel)
        StopRequest.installSignalHandlers()
        do {
            let session = try TraceSession(options: try options())
            let stop = try session.run()
            StandardError.line("pidtrace: \(stop.events) events, \(stop.lost) lost (\(stop.reason))")
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(error.exitStatus)
        }
    }
}
