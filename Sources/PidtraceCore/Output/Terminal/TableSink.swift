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
    /// With containers: what the END line explains.
    private let story: LiveStory?
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
    public init(output: OutputFile, clock: BootClock, showContainer: Bool = false, allSignals: Bool = false,
                width: Int? = nil) {
        self.output = output
        self.clock = clock
        self.showContainer = showContainer
        self.allSignals = allSignals
        story = showContainer ? LiveStory() : nil
        self.width = width.map { max($0, 20) }
        layout = TableLayout.fitting(width: self.width, showContainer: showContainer)
        highlight = isatty(output.fd) == 1
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ record: TraceRecord) throws(OutputError) {
        story?.observe(record)
        if var line = line(for: record) {
            if case .start = record, width != nil { line = layout.header() }
            if let width { line = Self.fit(line, width: width) }
            buffer.append(contentsOf: line.utf8)
            if highlight && line.hasPrefix("\u{1B}[1m") { buffer.append(contentsOf: "\u{1B}[0m".utf8) }
            buffer.append(UInt8(ascii: "\n"))
        }
        if buffer.count >= 1 << 16 { try flush() }
    }

    public func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try output.write(buffer)
    }

    public func sync() throws(OutputError) { try flush() }

    func line(for record: TraceRecord) -> String? {
        switch record {
        case .start: return showContainer ? Self.containerHeader : Self.header
        case let .lost(l): return "\(timeOfDay(l.tsNs)) LOST   \(l.count) events the kernel could not hand over"
        case let .notice(n): return "\(timeOfDay(n.tsNs)) NOTICE \(n.notice.message)"
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
                           hostPPID: nil, nsPID: 1, nsPPID: nil, pidns: c.pidns, comm: [])
                + "container \(c.container.name) generation \(c.container.generation) begins"
        case let .containerExit(c):
            return columns(tsNs: c.tsNs, event: "END", container: c.container, hostPID: c.initHostPID,
                           hostPPID: nil, nsPID: 1, nsPPID: nil, pidns: c.pidns, comm: [])
                + "container \(c.container.name) generation \(c.container.generation) ended: "
                + (c.exit.map(Self.describe) ?? "")
                + (story?.ended(c) ?? []).map { f in
                    "\n" + String(repeating: " ", count: 13) + "▸ " + f.text + (f.fix.map { " Fix: " + $0 + "." } ?? "")
                }.joined()
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

    func processLine(_ p: ProcessRecord) -> String {
        // "exec!": a failed exec, in the column's six characters.
        processColumns(p, tsNs: p.event.tsNs, event: p.event.kind == .execFailed ? "exec!" : p.event.kind.name) + detail(p)
    }

    private func processColumns(_ p: ProcessRecord, tsNs: UInt64, event: String) -> String {
        let e = p.event
        let line = columns(tsNs: tsNs, event: event, container: p.container, hostPID: e.hostPID,
                           hostPPID: e.hostPPID, nsPID: e.nsPID, nsPPID: e.nsPPID,
                           pidns: e.nsLevel == 0 ? nil : e.pidns, comm: e.comm)
        return highlight && e.nsLevel > 0 && e.nsPID == 1 ? "\u{1B}[1m" + line : line
    }

    private func columns(tsNs: UInt64, event: String, container: ContainerAttribution?, hostPID: UInt32,
                         hostPPID: UInt32?, nsPID: UInt32, nsPPID: UInt32?, pidns: UInt32?, comm: some Collection<UInt8>) -> String {
        var line = timeOfDay(tsNs) + " " + pad(event, 6) + " "
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
        return "exit \(s.code ?? 0)"
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

    static func duration(_ ns: UInt64) -> String {
        if ns < 1_000_000 { return "\(ns / 1000)µs" }
        if ns < 1_000_000_000 { return "\(ns / 1_000_000)ms" }
        let s = Double(ns) / 1e9
        return s < 120 ? "\((s * 10).rounded() / 10)s" : "\(Int(s / 60))m\(Int(s) % 60)s"
    }
}
