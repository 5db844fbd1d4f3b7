import ArgumentParser
import PidtraceCore

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell the story of each container's PID 1 from a recorded NDJSON file.",
        discussion: """
            For each container generation (or PID namespace, for traces without
            containers): PID 1's host PID and exec chain, start and end, how it ended
            (exit code, signal and its sender, or OOM kill), processes seen, zombies
            never reaped or reaped late, and restarts. Reads files of any contract
            version; a malformed line is reported on stderr by its number and skipped.

            --html writes one self-contained page instead (inline CSS and SVG, no
            script, nothing fetched): a timeline per container with each
            generation's PID 1 as a bar, its exec chain, signals with their
            senders, OOM kills and zombies, details on hover. An existing file is
            replaced; a new one is created 0600, as argv can hold secrets. One line
            on stderr says where it went and how many generations it shows.

            Exit status: \(CommandExit.success.rawValue) when the file had records \
            (even with malformed lines),
            \(CommandExit.dataError.rawValue) when it had none, \
            \(CommandExit.noInput.rawValue) when it cannot be read, \
            \(CommandExit.cannotCreate.rawValue) when the --html
            file cannot be created.

            Examples:
              pidtrace summary events.ndjson
              pidtrace summary events.ndjson --json | jq '.generations[].ended'
              pidtrace summary events.ndjson --html report.html
              pidtrace --json --container web --duration 60 | pidtrace summary -
            """)

    @Argument(help: ArgumentHelp("A file written by `pidtrace -o` or `--json` (- for standard input).", valueName: "FILE"))
    var file: String

    @Flag(help: "Write one JSON document instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Write an HTML timeline to this file instead of the text (- for standard output).",
                               valueName: "FILE"))
    var html: String?

    @Option(help: ArgumentHelp("Count a reap as late after this many seconds of zombie time.", valueName: "SECONDS"))
    var zombieAfter: Double = 5

    mutating func validate() throws {
        if file.isEmpty { throw ValidationError("FILE needs a name (or - for standard input)") }
        if !(zombieAfter > 0 && zombieAfter <= 86400) {
            throw ValidationError("--zombie-after must be a number of seconds above 0 (at most a day)")
        }
        if let html {
            if html.isEmpty { throw ValidationError("--html needs a file name (or - for standard output)") }
            if json { throw ValidationError("--json and --html cannot be used together") }
            if html == file && html != "-" { throw ValidationError("--html would replace the recorded file \(file)") }
        }
    }

    func run() throws {
        let report = try RecordedFile.load(file, lateReapNs: Int(zombieAfter * 1e9))
        if let html {
            try Self.writeHTML(Array(report.timelineHTML().utf8), to: html)
            // A file written in silence leaves the user guessing whether anything happened.
            if html != "-" { StandardError.line(Self.wroteLine(path: html, generations: report.generations.count)) }
            return
        }
        try RecordedFile.write(json ? report.summaryJSON() : Array(report.summaryText().utf8))
    }

    /// The one line on stderr after the page was written to a file.
    static func wroteLine(path: String, generations: Int) -> String {
        "pidtrace: wrote \(path) (\(generations) generation\(generations == 1 ? "" : "s"))"
    }

    /// The page replaces `path`; a file that cannot be created is `.cannotCreate`.
    static func writeHTML(_ bytes: [UInt8], to path: String) throws {
        if path == "-" { return try RecordedFile.write(bytes) }
        let output: OutputFile
        do {
            output = try OutputFile(path: path, mode: .replace)
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(.cannotCreate)
        }
        do {
            try output.write(bytes)
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(.ioError)
        }
    }
}

/// Reading a recorded file for `summary` and `tree`, with their shared exit statuses.
enum RecordedFile {
    /// Malformed lines reported one by one on stderr; past this many, only a count.
    static let diagnosticsShown = 20

    static func load(_ path: String, lateReapNs: Int = TraceReport.defaultLateReapNs) throws -> TraceReport {
        let report: TraceReport
        do {
            report = try TraceReport.read(path: path, lateReapNs: lateReapNs)
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(.noInput)
        }
        let name = path == "-" ? "standard input" : path
        for d in report.diagnostics.prefix(diagnosticsShown) {
            StandardError.line("pidtrace: \(name):\(d.line): \(d.message)")
        }
        if report.diagnostics.count > diagnosticsShown {
            StandardError.line("pidtrace: \(name): \(report.diagnostics.count - diagnosticsShown) more malformed lines")
        }
        guard report.stream.records > 0 else {
            StandardError.line("pidtrace: error: \(name) holds no readable record"
                              + (report.diagnostics.isEmpty ? "" : " (\(report.diagnostics.count) malformed lines)"))
            throw ExitCode(.dataError)
        }
        return report
    }

    static func write(_ bytes: [UInt8]) throws {
        do {
            try OutputFile.standardOutput().write(bytes)
        } catch .brokenPipe {
            return
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(.ioError)
        }
    }
}
