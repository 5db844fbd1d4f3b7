import Glibc

/// The live, human-readable table: one line per event.
public final class TableSink: RecordSink {
    private let output: OutputFile
    private let clock: BootClock
    private var buffer: [UInt8] = []
    /// With `--container`: a CONTAINER column.
    private let showContainer: Bool
    /// On a terminal, lines about a namespace's PID 1 are bold.
    private let highlight: Bool
    /// `--signals all`: also the signals that change no process's fate (SIGCHLD, SIGURG, ...).
    private let allSignals: Bool
    /// Whether END rows wait for a story (a `StoryTracker` was given).
    private let storyFollows: Bool
    /// END rows waiting for their generation's story (`StoryTracker.onEnded`), by "id/generation".
    private var pendingEnds: [String: String] = [:]
    /// On a terminal: its width, so that no line wraps (COMM and DETAIL are cut with
    /// "…"). nil: full lines, as when writing to a file or a pipe.
    private let width: Int?
    /// The columns shown and their widths: the full ones, unless `width` is short of room.
    let layout: TableLayout

    public static let header =
        "TIME         EVENT  HOST-PID HOST-PPID  NS-PID NS-PPID      PIDNS COMM             DETAIL"
    public static let containerHeader =
        "TIME         EVENT  CONTAINER      HOST-PID HOST-PPID  NS-PID NS-PPID      PIDNS COMM             DETAIL"

    /// `width`: the terminal's columns (`TerminalWidth.columns(of:)`), or nil for no limit.
    /// `story`: with containers, the END row waits for its generation's story and explains it.
    public init(output: OutputFile, clock: BootClock, showContainer: Bool = false, allSignals: Bool = false,
                width: Int? = nil, story: StoryTracker? = nil) {
        self.output = output
        self.clock = clock
        self.showContainer = showContainer
        self.allSignals = allSignals
        self.width = width.map { max($0, 20) }
        layout = TableLayout.fitting(width: self.width, showContainer: showContainer)
        highlight = isatty(output.fd) == 1
        buffer.reserveCapacity(1 << 16)
        storyFollows = story != nil
        story?.onEnded { [unowned self] in self.ended($0) }
    }

    public func write(_ record: TraceRecord) throws(OutputError) {
        if var line = line(for: record) {
            if case .start = record, width != nil { line = layout.header() }
            append(line)
        }
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func append(_ text: String) {
        let line = width.map { Self.fit(text, width: $0) } ?? text
        buffer.append(contentsOf: line.utf8)
        if highlight && line.hasPrefix("\u{1B}[1m") { buffer.append(contentsOf: "\u{1B}[0m".utf8) }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A generation's story is complete: its END row, with what explains the end. Zombies
    /// are judged over time, not at the end: `--summary` tells those.
    private func ended(_ g: TraceReport.Generation) {
        guard let c = g.container, let row = pendingEnds.removeValue(forKey: "\(c.id)/\(c.generation)") else { return }
        append(row + g.findings.filter { $0.kind != "zombies" }.map { f in
            "\n" + String(repeating: " ", count: 13) + "▸ " + f.text + (f.fix.map { " Fix: " + $0 + "." } ?? "")
        }.joined())
    }

    public func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try output.write(buffer)
    }

    /// The END rows whose story never came (the trace stopped first) go out unexplained.
    public func sync() throws(OutputError) {
        for row in pendingEnds.values.sorted() { append(row) }
        pendingEnds.removeAll()
        try flush()
    }

    func line(for record: TraceRecord) -> String? {
        switch record {
        case .start: return showContainer ? Self.containerHeader : Self.header
        case let .lost(l): return "\(timeOfDay(l.tsNs)) LOST   \(l.count) events the kernel could not hand over"
        case let .notice(n): return "\(timeOfDay(n.tsNs)) NOTICE \(n.notice.message)"
        case let .runtimeEvent(r): return runtimeRow(r)
        case .stop: return nil
        case let .process(p):
            if !allSignals, let s = p.event.signal, !SignalCause.changesFate(s.number) { return nil }
            return processLine(p)
        case let .snapshot(snap):
            let p = snap.process
            return columns(tsNs: snap.tsNs, event: "ps", container: snap.container,
                           hostPID: UInt32(p.hostPID), hostPPID: UInt32(p.hostPPID), nsPID: p.nsPID,
                           nsPPID: p.nsPPID, pidns: p.nsLevel == 0 ? nil : p.pidns, comm: Array(p.comm.utf8))
                + "already running: " + ShellQuote.join(p.argv.map(TerminalText.printable))
        case let .containerStart(c):
            return columns(tsNs: c.tsNs, event: "START", container: c.container, hostPID: c.initHostPID,
                           hostPPID: nil, nsPID: c.initNSPID, nsPPID: nil, pidns: c.pidns, comm: [])
                + "container \(c.container.name) generation \(c.container.generation) begins"
        case let .containerExit(c):
            let row = endRow(c)
            guard storyFollows else { return row }
            // Written when the namespace is gone, explained by the same story as the summary.
            pendingEnds["\(c.container.id)/\(c.container.generation)"] = row
            return nil
        case let .reap(r):
            let who = r.reaper.hostPID == r.exit.event.hostPID ? "itself (auto-reaped)"
                : "\(r.reaper.hostPID) (\(TerminalText.printable(r.reaper.comm)))"
            return processColumns(r.exit, tsNs: r.tsNs, event: "reap")
                + "reaped by \(who) after \(Self.duration(r.zombieNs)) as a zombie"
                + (r.reparentedToNamespaceInit ? ", an orphan adopted by PID 1" : "")
        case let .zombie(z):
            return processColumns(z.exit, tsNs: z.tsNs, event: "zombie")
                + "exited \(Self.duration(z.zombieNs)) ago and not reaped by its parent \(z.exit.event.hostPPID)"
        }
    }

    /// "container web generation 2 ended: killed by SIGKILL"; on a narrow terminal the
    /// name, then the generation, give way first, and where even the outcome has no room
    /// in the row it goes under it: the outcome is what the row is for.
    func endRow(_ c: ContainerLifecycle) -> String {
        let row = columns(tsNs: c.tsNs, event: "END", container: c.container, hostPID: c.initHostPID,
                          hostPPID: nil, nsPID: c.initNSPID, nsPPID: nil, pidns: c.pidns, comm: [])
        let ended = "ended: " + (c.exit.map(Self.describe) ?? "")
        let details = ["container \(c.container.name) generation \(c.container.generation) " + ended,
                       "generation \(c.container.generation) " + ended, ended]
        guard let width else { return row + details[0] }
        if let detail = details.first(where: { row.count + $0.count <= width }) { return row + detail }
        let bare = String(row.reversed().drop { $0 == " " }.reversed()) // its COMM is empty
        return bare + "\n" + String(repeating: " ", count: 13) + "▸ " + details[1]
    }

    /// "the runtime: start (its restart policy, restart 3)", "the runtime: kill SIGTERM",
    /// "the runtime: start failed (exit status 127): …its error…".
    private func runtimeRow(_ r: RuntimeEventRecord) -> String {
        var what = r.action == RuntimeEventRecord.startFailed ? "start failed" : r.action
        if r.action == "start", let count = r.restartCount {
            what += count > 0 ? " by its restart policy (restart \(count))" : " (a start request)"
        }
        if let signal = r.signal { what += " " + SignalName.of(signal) }
        if let code = r.exitCode { what += " (exit status \(code))" }
        if let error = r.error { what += ": " + TerminalText.printable(Array(error.utf8)) }
        let row = timeOfDay(r.tsNs) + " " + pad(Self.eventLabel(runtime: r.container.runtime), Self.eventWidth) + " "
            + (layout.container.map { pad(Self.truncated(r.container.name, to: $0), $0) + " " } ?? "")
        // No process: its PID and COMM columns stay empty, the words go under DETAIL.
        return pad(row, layout.header().count - "DETAIL".count) + "the runtime: " + what
    }

    func processLine(_ p: ProcessRecord) -> String {
        processColumns(p, tsNs: p.event.tsNs, event: Self.eventLabel(p.event.kind)) + detail(p)
    }

    /// The EVENT column's width: `signal`, `zombie`, `NOTICE`, `docker`.
    static let eventWidth = 6

    /// A kind's name in the EVENT column, within its six characters so that the columns
    /// after it stay aligned; the records keep the full name, and DETAIL says it in words.
    static func eventLabel(_ kind: EventKind) -> String {
        switch kind {
        case .execFailed: "exec!" // a failed exec: "/app/server: ENOENT (...)"
        case .oomKill: "oom" // "chosen by the OOM killer (memory cgroup N)"
        default: kind.name
        }
    }

    /// Who a `runtime_event` row is from: `docker`, `podman`; "engine" when the API did
    /// not say which (its version call failed). Cut to the column, whatever a runtime calls itself.
    static func eventLabel(runtime: String?) -> String { String((runtime ?? "engine").prefix(eventWidth)) }

    private func processColumns(_ p: ProcessRecord, tsNs: UInt64, event: String) -> String {
        let e = p.event
        let line = columns(tsNs: tsNs, event: event, container: p.container, hostPID: e.hostPID,
                           hostPPID: e.hostPPID, nsPID: e.nsPID, nsPPID: e.nsPPID,
                           pidns: e.nsLevel == 0 ? nil : e.pidns, comm: Self.shownComm(p))
        return highlight && e.nsLevel > 0 && e.nsPID == 1 ? "\u{1B}[1m" + line : line
    }

    /// The kernel names an exec'd process after the file's last path component, which
    /// says nothing when the file was run through a link to an open file (busybox's
    /// shell runs its applets as /proc/self/exe: "exe"; fexecve: "/dev/fd/3" → "3"), and the
    /// program soon renames itself after its argv[0] ("sleep"). Such a row shows argv[0]'s
    /// name, so a process has one name from exec to exit; the record keeps the kernel's.
    static func shownComm(_ p: ProcessRecord) -> [UInt8] {
        let comm = Array(p.event.comm)
        guard let argv = p.argv, let first = argv.first(where: { _ in true }), Self.isOpenFileLink(p.event.filename)
        else { return comm }
        let name = first.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? []
        return name.isEmpty ? comm : Array(name.prefix(15))
    }

    /// /proc/self/exe, /proc/PID/exe, /proc/self/fd/N, /dev/fd/N.
    private static func isOpenFileLink(_ path: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: path, as: UTF8.self)
        let parts = text.split(separator: "/")
        if text.hasPrefix("/proc/"), parts.count == 3, parts[2] == "exe" { return true }
        if text.hasPrefix("/proc/"), parts.count == 4, parts[2] == "fd" { return true }
        return text.hasPrefix("/dev/fd/") && parts.count == 3
    }

    private func columns(tsNs: UInt64, event: String, container: ContainerAttribution?, hostPID: UInt32,
                         hostPPID: UInt32?, nsPID: UInt32, nsPPID: UInt32?, pidns: UInt32?, comm: some Collection<UInt8>) -> String {
        var line = timeOfDay(tsNs) + " " + pad(event, Self.eventWidth) + " "
        if let w = layout.container {
            let name = container?.name ?? "-"
            line += pad(width == nil ? String(name.prefix(w)) : Self.truncated(name, to: w), w) + " "
        }
        line += lpad(String(hostPID), 8) + " " + lpad(hostPPID.map(String.init) ?? "", 9) + " "
        line += lpad(String(nsPID), 7) + " " + lpad(nsPPID.map(String.init) ?? "", 7) + " "
        if layout.pidns { line += lpad(pidns.map(String.init) ?? "", 10) + " " }
        // Full lines keep a long (escaped) COMM whole; a terminal's are cut to the column.
        var name = TerminalText.printable(comm)
        if width != nil { name = Self.truncated(name, to: layout.comm) }
        return line + pad(name, layout.comm) + " "
    }

    /// `text` within `width` columns. Its first line is a table row: cut, its last
    /// character "…" when something was cut (a leading bold escape takes no column and is
    /// kept). Lines under it (the END line's explanation) are sentences: word-wrapped
    /// under their own indent, never cut, since they are what the reader came for.
    static func fit(_ text: String, width: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let bold = "\u{1B}[1m"
        let first = lines[0].hasPrefix(bold)
            ? bold + truncated(String(lines[0].dropFirst(bold.count)), to: width) : truncated(lines[0], to: width)
        return ([first] + lines.dropFirst().map { wrapped($0, width: width) }).joined(separator: "\n")
    }

    /// `line` broken at spaces into lines of at most `width` characters; the lines after
    /// the first start under its text (past a leading "▸ "). A word longer than a line is cut.
    static func wrapped(_ line: String, width: Int) -> String {
        guard line.count > width else { return line }
        let indent = line.prefix { $0 == " " }.count
        let hang = String(repeating: " ", count: line.dropFirst(indent).hasPrefix("▸ ") ? indent + 2 : indent)
        guard hang.count < width / 2 else { return truncated(line, to: width) }
        var out: [String] = []
        var current = String(line.prefix(indent)), empty = true
        for word in line.dropFirst(indent).split(separator: " ") {
            if !empty && current.count + 1 + word.count > width {
                out.append(current)
                current = hang
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        out.append(current)
        return out.map { truncated($0, to: width) }.joined(separator: "\n")
    }

    /// `s` when it has at most `n` characters, else its first n - 1 and "…".
    static func truncated(_ s: String, to n: Int) -> String {
        s.count <= n ? s : String(s.prefix(max(n - 1, 0))) + "…"
    }

    func detail(_ p: ProcessRecord) -> String {
        let e = p.event
        var parts: [String] = []
        if e.isThread { parts.append("thread \(e.hostTID)") }
        switch p.detail {
        case .fork:
            if e.startsNewPIDNamespace { parts.append("init of a new PID namespace") }
        case let .exec(argv):
            parts.append(ShellQuote.join(argv.args.map(TerminalText.printable)) + (argv.truncated ? " …" : ""))
        case .exit:
            parts.append(Self.describe(e.exit))
            parts.append("after \(Self.duration(e.tsNs >= e.startNs ? e.tsNs - e.startNs : 0))")
        case .signal:
            if let s = e.signal {
                let sender = e.peer.map { (hostPID: Int($0.hostPID), comm: TerminalText.printable($0.comm)) }
                let cause = SignalCause.describe(signal: s.number, origin: s.origin, sender: sender,
                                                 senderIsTarget: e.peer?.hostPID == e.hostPID)
                parts.append("\(SignalName.of(s.number)) \(cause), \(s.resultName)")
            }
        case .oomKill:
            parts.append("chosen by the OOM killer" + (e.memcgID.map { " (memory cgroup \($0))" } ?? ""))
        case let .execFailed(argv):
            parts.append(Self.describeFailedExec(e, argv))
        }
        return parts.joined(separator: ", ")
    }

    /// "/app/server: ENOENT (no such file or directory), argv: /app/server --port 80".
    static func describeFailedExec(_ e: ProcessEvent, _ argv: Argv) -> String {
        let errno = e.execFailure?.errno ?? 0
        let path = TerminalText.printable(e.filename)
        var text = (path.isEmpty ? "(empty path)" : path) + ": " + ErrnoName.of(errno)
        if let meaning = ErrnoName.meaning(errno) { text += " (\(meaning))" }
        if !argv.args.isEmpty || argv.truncated {
            text += ", argv: " + ShellQuote.join(argv.args.map(TerminalText.printable)) + (argv.truncated ? " …" : "")
        }
        return text
    }

    static func describe(_ s: ExitStatus) -> String {
        if let sig = s.signal {
            return "killed by \(SignalName.of(sig))" + (s.coreDumped ? " (core dumped)" : "")
        }
        return "exit " + ExitCodeMeaning.explained(Int(s.code ?? 0))
    }

    func timeOfDay(_ tsNs: UInt64) -> String {
        let wall = clock.wallNs(bootNs: tsNs)
        var t = time_t(wall / 1_000_000_000), tm = tm()
        localtime_r(&t, &tm)
        let ms = Int(wall % 1_000_000_000) / 1_000_000
        return "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)).\(String(ms + 1000).dropFirst())"
    }

    private func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
    private func lpad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    static func duration(_ ns: UInt64) -> String { DurationText.of(ns: ns) }
}
