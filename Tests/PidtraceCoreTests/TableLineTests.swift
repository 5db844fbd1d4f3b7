import CPidtrace
import Testing
@testable import PidtraceCore

@Suite("TableSink lines")
struct TableLineTests {
    let sink: TableSink

    init() throws {
        sink = TableSink(output: try OutputFile(path: "/dev/null", mode: .append), clock: BootClock(offsetNs: 0))
    }

    func columns(_ event: ProcessEvent, argv: Argv? = nil) throws -> [Substring] {
        let line = try #require(sink.line(for: .process(ProcessRecord(event: event, argv: argv))))
        return line.split(separator: " ")
    }

    @Test func startPrintsTheHeader() {
        let start = StartInfo(tsNs: 0, version: "", hostname: "", kernel: "", bootID: "", tracerPID: 1,
                              filters: TraceFilters())
        #expect(sink.line(for: .start(start)) == TableSink.header)
    }

    @Test func stopPrintsNothing() {
        #expect(sink.line(for: .stop(StopInfo(tsNs: 0, events: 0, lost: 0, reason: ""))) == nil)
    }

    @Test func lostLineSaysHowMany() throws {
        let line = try #require(sink.line(for: .lost(LostInfo(tsNs: 0, count: 17))))
        #expect(line.contains("LOST   17 events"))
    }

    @Test func forkLineHasEveryColumn() throws {
        let c = try columns(.sample(.fork))
        #expect(c.count == 8)
        #expect(c[0].wholeMatch(of: /\d\d:\d\d:\d\d\.\d\d\d/) != nil)
        #expect(Array(c[1...]) == ["fork", "4242", "4000", "1", "0", "4026532999", "sh"])
    }

    @Test func columnsLineUpWithTheHeader() throws {
        let line = try #require(sink.line(for: .process(ProcessRecord(event: .sample(.exit)))))
        let header = Array(TableSink.header.utf8), bytes = Array(line.utf8)
        let detailAt = try #require(header.firstRange(of: Array("DETAIL".utf8))).lowerBound
        let pidnsEnd = try #require(header.firstRange(of: Array("PIDNS".utf8))).upperBound
        #expect(bytes[pidnsEnd - 10..<pidnsEnd].elementsEqual("4026532999".utf8))
        #expect(bytes[detailAt...].starts(with: "exit 0".utf8))
    }

    @Test func hostProcessHasNoPIDNamespaceColumn() throws {
        var event = ProcessEvent.sample(.fork)
        event.nsLevel = 0
        event.nsPIDs = [4242]
        #expect(try columns(event).count == 7)
    }

    @Test func threadAndNewNamespaceDetail() throws {
        let event = ProcessEvent.sample(.fork, flags: PT_FLAG_THREAD.rawValue | PT_FLAG_NEW_PIDNS.rawValue)
        let line = try #require(sink.line(for: .process(ProcessRecord(event: event))))
        #expect(line.hasSuffix("thread 4243, init of a new PID namespace"))
    }

    @Test func execDetailShowsEscapedArgv() throws {
        let event = ProcessEvent.sample(.exec, comm: "l\u{1b}s", argsArea: Array("ls\u{0}-l\u{0}a\nb\u{0}".utf8))
        let line = try #require(sink.line(for: .process(ProcessRecord(event: event))))
        #expect(line.contains(#" l\x1bs "#))
        #expect(line.hasSuffix(#"ls -l 'a\x0ab'"#))
    }

    @Test func truncatedArgvEndsWithAnEllipsis() throws {
        let argv = Argv(args: [Array("a".utf8)], truncated: true)
        let line = try #require(sink.line(for: .process(ProcessRecord(event: .sample(.exec), argv: argv))))
        #expect(line.hasSuffix(" a …"))
    }

    @Test func exitDetailForCodeAndSignal() throws {
        let normal = try #require(sink.line(for: .process(ProcessRecord(event: .sample(.exit, exitStatus: 768)))))
        #expect(normal.hasSuffix("exit 3, after 500 ms"))
        let killed = try #require(sink.line(for: .process(ProcessRecord(event: .sample(.exit, exitStatus: 0x8b)))))
        #expect(killed.hasSuffix("killed by SIGSEGV (core dumped), after 500 ms"))
        // 143 = 128 + 15, explained where it is shown.
        let reported = try #require(sink.line(for: .process(ProcessRecord(event: .sample(.exit, exitStatus: 143 << 8)))))
        #expect(reported.hasSuffix("exit 143 (128 + 15: how a shell or an init reports a child killed by SIGTERM), after 500 ms"))
    }

    @Test("the table prints durations as the summary does")
    func durations() {
        #expect(TableSink.duration(5_168_000_000) == "5.2 s")
        #expect(TableSink.duration(81_000_000) == "81 ms")
    }
}

extension TableLineTests {
    @Test("an applet run as /proc/self/exe shows its argv[0] name, as it will be called at its exit; the record keeps 'exe'",
          arguments: [("/proc/self/exe", "sleep"), ("/proc/4242/exe", "sleep"), ("/dev/fd/3", "sleep"),
                      ("/proc/self/fd/7", "sleep"), ("/bin/sleep", "exe"), ("/proc/self/status", "exe")])
    func execThroughALinkToAnOpenFile(path: String, shown: String) throws {
        var event = ProcessEvent.sample(.exec, comm: "exe")
        event.image = ExecImage(filename: path.utf8, argsArea: "/bin/sleep\u{0}1\u{0}".utf8)
        let record = ProcessRecord(event: event)
        let c = try #require(sink.line(for: .process(record))).split(separator: " ")
        #expect(c[7] == Substring(shown), "\(c)")
        #expect(Array(record.event.comm) == Array("exe".utf8))
    }
}

@Suite("TableSink exec_failed lines")
struct TableExecFailedLineTests {
    @Test func failedExecShowsThePathTheErrorInWordsAndTheArgv() throws {
        let sink = TableSink(output: try OutputFile(path: "/dev/null", mode: .append), clock: BootClock(offsetNs: 0))
        var event = ProcessEvent.sample(.execFailed)
        event.image = ExecImage(filename: "/app/server".utf8, argsArea: Array("/app/server\u{0}--port\u{0}80\u{0}".utf8))
        event.execFailure = ExecFailure(errno: 2)
        let line = try #require(sink.line(for: .process(ProcessRecord(event: event))))
        let header = TableSink.header
        // The EVENT column keeps its width: DETAIL starts under its header.
        let detailColumn = try #require(header.range(of: "DETAIL")).lowerBound.utf16Offset(in: header)
        #expect(line.split(separator: " ")[1] == "exec!")
        #expect(String(line.dropFirst(detailColumn)) == "/app/server: ENOENT (no such file or directory), argv: /app/server --port 80")

        event.execFailure = ExecFailure(errno: 95)
        event.image = ExecImage(filename: "".utf8, argsArea: [])
        let unknown = try #require(sink.line(for: .process(ProcessRecord(event: event))))
        #expect(unknown.hasSuffix(" (empty path): E95"))
    }
}

extension TableLineTests {
    @Test("what the runtime did is a row of its own, its words under DETAIL")
    func runtimeEventRow() throws {
        let web = ContainerAttribution(id: "c0ffee", name: "web", generation: 2, runtime: "docker")
        let kill = try #require(sink.line(for: .runtimeEvent(RuntimeEventRecord(tsNs: 0, container: web, action: "kill",
                                                                                    runtimeTimeNs: 0, signal: 15))))
        let detail = try #require(TableSink.header.range(of: "DETAIL")).lowerBound.utf16Offset(in: TableSink.header)
        #expect(kill.dropFirst(13).hasPrefix("docker "))
        #expect(String(kill.dropFirst(detail)) == "the runtime: kill SIGTERM", "\(kill)")
        let start = try #require(sink.line(for: .runtimeEvent(RuntimeEventRecord(tsNs: 0, container: web, action: "start",
                                                                                     runtimeTimeNs: 0, restartCount: 3))))
        #expect(start.hasSuffix("the runtime: start by its restart policy (restart 3)"), "\(start)")
    }
}

@Suite("TableSink EVENT column")
struct TableEventColumnTests {
    /// Where a header's column starts, in characters.
    static func column(_ name: String, of header: String) throws -> Int {
        try #require(header.range(of: name)).lowerBound.utf16Offset(in: header)
    }

    /// A reap is a record of its own (`ReapRecord`), shown as "reap".
    @Test("every kind fits the column: HOST-PID, PIDNS and DETAIL stay under their headers",
          arguments: EventKind.allCases.filter { $0 != .reap })
    func everyKindKeepsTheColumnsAligned(kind: EventKind) throws {
        let sink = TableSink(output: try OutputFile(path: "/dev/null", mode: .append), clock: BootClock(offsetNs: 0))
        let line = try #require(sink.line(for: .process(ProcessRecord(event: .sample(kind)))))
        let header = TableSink.header
        let pidEnd = try Self.column("HOST-PID", of: header) + "HOST-PID".count
        #expect(line.prefix(pidEnd).hasSuffix(" 4242"), "\(kind.name): \(line)")
        let pidnsEnd = try Self.column("PIDNS", of: header) + "PIDNS".count
        #expect(line.prefix(pidnsEnd).hasSuffix(" 4026532999"), "\(kind.name): \(line)")
        #expect(line.dropFirst(try Self.column("DETAIL", of: header) - 1).first == " ", "\(kind.name): \(line)")
        #expect(TableSink.eventLabel(kind).count <= TableSink.eventWidth)
    }

    @Test("an OOM kill is `oom`; the runtime's row names it within the column, even when unknown")
    func oomAndRuntimeLabels() throws {
        #expect(TableSink.eventLabel(.oomKill) == "oom" && TableSink.eventLabel(.execFailed) == "exec!")
        #expect(TableSink.eventLabel(runtime: "docker") == "docker" && TableSink.eventLabel(runtime: "podman") == "podman")
        #expect(TableSink.eventLabel(runtime: nil) == "engine" && TableSink.eventLabel(runtime: "containerd").count == 6)
        let sink = TableSink(output: try OutputFile(path: "/dev/null", mode: .append), clock: BootClock(offsetNs: 0))
        let web = ContainerAttribution(id: "c0ffee", name: "web", generation: 1, runtime: nil)
        let row = try #require(sink.line(for: .runtimeEvent(RuntimeEventRecord(tsNs: 0, container: web, action: "stop",
                                                                                  runtimeTimeNs: 0))))
        #expect(String(row.dropFirst(try Self.column("DETAIL", of: TableSink.header))) == "the runtime: stop", "\(row)")
    }
}
