/// The exit statuses of all commands (sysexits-style), in one place: `pidtrace --help`,
/// `pidtrace help trace` and the man pages print this table, and a test checks that
/// README's "Exit statuses" table and the statuses the code returns agree with it.
enum ExitStatuses {
    static let table: [(status: Int32, meaning: String)] = [
        (0, "traced and stopped cleanly (signal, `--duration`, or the reader closed the pipe)"),
        (64, "bad arguments (usage printed)"),
        (65, "`summary`/`tree`: nothing readable in the file; an ID prefix matching several containers; a pod name in several namespaces; `why`: a name that fits several containers; a damaged history database"),
        (66, "`--pid`/`--pidns` names no live process or namespace; `summary`/`tree` cannot read the file; `history`/`why`: no history in the state directory, or one this user may not read"),
        (68, "no such container or pod (the message lists the running ones or the pods; the trace suggests `--wait`); `history`/`why`: none in the history, or no such generation (the message lists the containers it knows)"),
        (69, "no BTF; Docker API unreachable for a name; no containerd/CRI-O state for `--pod`; `check` found a failing requirement"),
        (70, "BPF load/attach failed for another reason"),
        (71, "`agent`: `--metrics-address` cannot be listened on for another reason (an address that is not this host's)"),
        (73, "output file cannot be created; the state directory cannot be written"),
        (74, "writing the output failed mid-trace; the history database could not be written (disk full) or read"),
        (75, "container exists but is not running (use `--wait`); another agent holds the state directory"),
        (76, "the Docker API answered with an error or garbage"),
        (77, "missing privilege (CAP_BPF/CAP_PERFMON; CAP_SYS_PTRACE for containers' namespaces), or permission denied on the Docker socket"),
        (78, "`DOCKER_HOST`/`--docker-host` is not a unix socket"),
        (79, "output file exists (use `--append` or `--force`)"),
        (80, "`agent`: `--metrics-address` is in use (another pidtrace agent, or another program, listens there)"),
        (130, "a second SIGINT: exited at once, without draining or a `stop` record"),
    ]

    /// The table as help text (a discussion paragraph), wrapped here with a hanging
    /// indent: the help formatter would wrap long lines back to the margin.
    static var help: String {
        "Exit status:\n" + table.map { row in
            let status = String(row.status)
            let prefix = String(repeating: " ", count: max(0, 5 - status.count)) + status + "  "
            return prefix + wrap(row.meaning, indent: prefix.count, width: 78 - prefix.count)
        }.joined(separator: "\n")
    }

    /// Words of `text` in lines of at most `width` characters, continued after `indent` spaces.
    static func wrap(_ text: String, indent: Int, width: Int) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }
}
