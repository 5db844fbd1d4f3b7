import ArgumentParser
import Logging
import PidtraceCore

/// What is traced and how it is recorded: shared by `trace` and `agent`.
struct TracingOptions: ParsableArguments {
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

    @Option(help: ArgumentHelp(
        "Ring buffer size: MiB, or with a K or M suffix; a power of two (default: 4M).", valueName: "SIZE"),
        transform: CLIValues.ringBytes)
    var ringSize = TracerConfig().ringBytes

    @Option(help: ArgumentHelp("Record at most N arguments of each exec.", valueName: "N"))
    var maxArgs: Int = Argv.defaultMaxArgs

    @Flag(help: "Record secret argv values (after --password-like options, in KEY=VALUE with PASSWORD, TOKEN, SECRET... in KEY) as ***.")
    var redactArgs = false

    func check() throws {
        if !(zombieAfter > 0 && zombieAfter <= 86400) {
            throw ValidationError("--zombie-after must be a number of seconds above 0 (at most a day)")
        }
        if !(1...1024).contains(maxArgs) { throw ValidationError("--max-args must be between 1 and 1024") }
    }

    func apply(to o: inout TraceOptions) {
        o.tracer.kinds = events
        o.tracer.threads = threads
        o.tracer.allSignals = signals == .all
        o.zombieAfterSeconds = zombieAfter
        o.tracer.ringBytes = ringSize
        o.argvLimits.maxArgs = maxArgs
        o.argvLimits.redact = redactArgs
    }
}

/// pidtrace's own diagnostics on standard error: shared by `trace` and `agent`.
struct DiagnosticOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Diagnostics on stderr from this level up.", valueName: "LEVEL"))
    var logLevel = Logger.Level.warning

    @Flag(help: "Show libbpf's own messages.")
    var verbose = false
}

/// `--signals`.
enum SignalSelection: String, CaseIterable, ExpressibleByArgument {
    case `default`, all
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
