import ArgumentParser
import PidtraceCore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that this host can run pidtrace, and say how to fix what it cannot.",
        discussion: """
            Checks the kernel version (5.10 or later), BTF, capabilities, the tracepoints,
            a real load and attach of the BPF programs, and the round trip: a child
            started in a new PID namespace must come back as fork, exec and exit with
            ns_pids equal to its NSpid: line. Then, per feature (signal, oom_kill, reap, exec_failed),
            whether this kernel has it and why not; then the Docker API and the output
            directory. Exits \(CommandExit.success.rawValue) when tracing will work, \
            \(CommandExit.unavailable.rawValue) when a requirement fails (WARN
            lines do not fail: they cost a feature, such as OOM kills or container names).

            Examples:
              sudo pidtrace check
              pidtrace check --json | jq 'select(.status != "OK")'
            """)

    @Flag(help: "One JSON object per check.")
    var json = false

    @Option(help: ArgumentHelp("Docker API socket to check.", valueName: "unix:///PATH"))
    var dockerHost: String?

    @Option(help: ArgumentHelp("Directory that -o will write to.", valueName: "DIR"))
    var outputDir: String = "."

    func run() throws {
        var check = HostCheck()
        check.dockerHost = dockerHost
        check.outputDirectory = outputDir
        let results = check.run()
        var out = ""
        if json {
            var buffer = JSONBuffer()
            for r in results {
                buffer.beginObject()
                buffer.field("check", r.name)
                buffer.field("status", r.status.rawValue)
                buffer.field("detail", r.detail)
                if let fix = r.fix { buffer.field("fix", fix) }
                buffer.endObject()
                buffer.endLine()
            }
            out = String(decoding: buffer.bytes, as: UTF8.self)
        } else {
            for r in results {
                out += r.status.rawValue.padding(5) + r.name.padding(18) + r.detail + "\n"
                if let fix = r.fix, r.status != .ok { out += String(repeating: " ", count: 23) + "fix: \(fix)\n" }
            }
        }
        try? OutputFile.standardOutput().write(Array(out.utf8))
        if results.contains(where: { $0.status == .fail }) { throw ExitCode(.unavailable) }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
