import ArgumentParser
import PidtraceCore

struct Tree: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the process tree of each generation in a recorded NDJSON file.",
        discussion: """
            Every node is HOST-PID/NS-PID followed by the command lines it ran
            (its exec chain, joined by →) and how it ended. Built from fork, exec,
            exit and snapshot records; a parent is found by host_ppid. Exit statuses
            as for `pidtrace summary`, and \(CommandExit.noHost.rawValue) when \
            --container matches nothing.

            Examples:
              pidtrace tree events.ndjson
              pidtrace tree events.ndjson --container web
            """)

    @Argument(help: ArgumentHelp("A file written by `pidtrace -o` or `--json` (- for standard input).", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("container"), help: ArgumentHelp(
        "Only this container's generations: name, ID or ID prefix.", valueName: "NAME|ID"))
    var container: String?

    mutating func validate() throws {
        if file.isEmpty { throw ValidationError("FILE needs a name (or - for standard input)") }
        if container?.isEmpty == true { throw ValidationError("--container needs a name or an ID") }
    }

    func run() throws {
        let report = try RecordedFile.load(file)
        var generations = report.generations
        if let container {
            generations = report.generations(ofContainer: container)
            guard !generations.isEmpty else {
                let known = report.containers.map { $0.name ?? String($0.id.prefix(12)) }
                StandardError.line("pidtrace: error: no container '\(container)' in \(file)"
                                  + (known.isEmpty ? " (it has none)" : "; it has \(known.joined(separator: ", "))"))
                throw ExitCode(.noHost) // as for an unknown container in a live trace
            }
        }
        try RecordedFile.write(Array(TraceReport.treeText(generations).utf8))
    }
}
