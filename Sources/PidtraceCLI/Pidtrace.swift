import ArgumentParser
import PidtraceCore

/// The `pidtrace` command: `trace` is the default subcommand.
public struct Pidtrace: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pidtrace",
        abstract: "Trace fork, exec and exit of processes with their host and container PIDs.",
        discussion: """
            Every record gives a process's PID on the host and inside its own PID
            namespace (PID 1 is a container's init), with the parent on both sides.
            Needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN) and a kernel with
            BTF. The NDJSON record is documented in docs/record.md of the source.

            """ + "\n" + CommandExit.help,
        version: pidtraceVersion,
        subcommands: [Trace.self, Agent.self, Ps.self, Check.self, Summary.self, Tree.self, History.self, Why.self],
        defaultSubcommand: Trace.self)

    public init() {}
}
