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

            """ + "\n" + ExitStatuses.help)

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

    @Option(help: ArgumentHelp(
        "Event kinds to record, comma-separated (fork, exec, exit, signal, oom_kill, reap, exec_failed; default: all but "
            + "exec_failed, which slows every syscall on the host while traced). '+exec_failed' adds to the default.",
        valueName: "KINDS"), transform: { Set(try CLIValues.kinds($0)) })
    var events = EventKind.defaults

    @Option(help: ArgumentHelp(
        "Signals to record: default (fatal and stop signals, and every signal to a namespace's PID 1) or all.",
        valueName: "WHICH"))
    var signals = SignalSelection.default

    @Option(help: ArgumentHelp(
        "Report a process not reaped this many seconds after its exit as a zombie.", valueName: "SECONDS"))
    var zombieAfter: Double = 5

    @Flag(help: "Include thread-level fork and exit.")
    var threads = false

    @Option(help: ArgumentHelp("Stop by itself after this many seconds.", valueName: "SECONDS"))
    var duration: Double?

    @Option(help: ArgumentHelp(
        "Ring buffer size: MiB, or with a K or M suffix; a power of two (default: 4M).", valueName: "SIZE"),
        transform: CLIValues.ringBytes)
    var ringSize = TracerConfig().ringBytes

    @Option(help: ArgumentHelp("Record at most N arguments of each exec.", valueName: "N"))
    var maxArgs: Int = Argv.defaultMaxArgs

    @Flag(help: "Record secret argv values (after --password-like options, in KEY=VALUE with PASSWORD, TOKEN, SECRET... in KEY) as ***.")
    var redactArgs = false

    @Flag(help: "At the end, print the same report as `pidtrace summary` on standard error.")
    var summary = false

    @Option(help: ArgumentHelp("Diagnostics on stderr from this level up.", valueName: "LEVEL"))
    var logLevel = Logger.Level.warning

    @Flag(help: "Show libbpf's own messages.")
    var verbose = false

    @Option(help: .hidden)
    var pauseConsumerMs: Int = 0

    mutating func validate() throws {
        if let duration, !(duration > 0 && duration <= 365 * 86400) {
            throw ValidationError("--duration must be a number of seconds above 0")
        }
        if !(zombieAfter > 0 && zombieAfter <= 86400) {
            throw ValidationError("--zombie-after must be a number of seconds above 0 (at most a day)")
        }
        if !(1...1024).contains(maxArgs) { throw ValidationError("--max-args must be between 1 and 1024") }
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
        o.tracer.kinds = events
        o.tracer.threads = threads
        o.tracer.allSignals = signals == .all
        o.zombieAfterSeconds = zombieAfter
        o.summary = summary
        // Not over a table or over NDJSON on the same terminal.
        o.liveStatus = (quiet || json) && isatty(STDERR_FILENO) == 1 && !(json && isatty(STDOUT_FILENO) == 1)
        o.tracer.ringBytes = ringSize
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
        o.argvLimits.maxArgs = maxArgs
        o.argvLimits.redact = redactArgs
        o.outputOwner = FileOwner.sudoInvoker(environment: DockerEndpoint.processEnvironment())
        o.verbose = verbose
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
        Log.bootstrap(level: logLevel)
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

/// `--signals`.
enum SignalSelection: String, CaseIterable, ExpressibleByArgument {
    case `default`, all
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Parsers of option values (argument-parser's transforms): each value is parsed once,
/// and a bad one is named with the option by argument-parser.
enum CLIValues {
    /// "fork,exec": those; "+exec_failed": the default kinds and those.
    static func kinds(_ list: String) throws -> [EventKind] {
        let names = list.split(separator: ",").map { $0.trimmingWhitespace() }
        guard !names.isEmpty else { throw ValidationError("no event kind given") }
        let adding = names.allSatisfy { $0.hasPrefix("+") }
        if !adding, let mixed = names.first(where: { $0.hasPrefix("+") }) {
            throw ValidationError("'\(mixed)' adds to the default kinds: give only '+' kinds, or a list without '+'")
        }
        let kinds = try names.map { name in
            let bare = adding ? String(name.dropFirst()) : name
            guard let kind = EventKind(name: bare) else {
                throw ValidationError("unknown kind '\(bare)' (known: \(EventKind.allCases.map(\.name).joined(separator: ", ")))")
            }
            return kind
        }
        return adding ? EventKind.allCases.filter { EventKind.defaults.contains($0) || kinds.contains($0) } : kinds
    }

    /// "8" → 8 MiB, "64K", "16M". The kernel wants a power of two, at least a page.
    static func ringBytes(_ text: String) throws -> UInt32 {
        var digits = Substring(text.trimmingWhitespace())
        var unit: UInt64 = 1 << 20
        if let last = digits.last, "kKmM".contains(last) {
            unit = "kK".contains(last) ? 1 << 10 : 1 << 20
            digits = digits.dropLast()
        }
        guard let n = UInt64(digits), n > 0, n <= (1 << 30) / unit else {
            throw ValidationError("'\(text)' is not a size between 4K and 1024M")
        }
        let bytes = n * unit
        guard bytes >= 4096, bytes & (bytes - 1) == 0 else {
            throw ValidationError("a power of two of at least 4K is needed (e.g. 64K, 8M)")
        }
        return UInt32(bytes)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
