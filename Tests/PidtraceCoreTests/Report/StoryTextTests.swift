import Testing
@testable import PidtraceCore

/// Builds one generation from records, as `pidtrace summary` reads them.
fileprivate struct Story {
    var builder = ReportBuilder(lateReapNs: 5_000_000_000)
    static let ms = 1_000_000

    static func process(_ pid: Int, _ ppid: Int, ns: Int, comm: String) -> RecordedProcess {
        var p = RecordedProcess(.object(["host_pid": .int(pid), "host_ppid": .int(ppid), "ns_pid": .int(ns), "pidns": .int(7)]))!
        p.comm = comm
        return p
    }

    static func stamp(_ ms: Int) -> TraceReport.Stamp { TraceReport.Stamp(time: nil, tsNs: ms * Self.ms) }

    mutating func start(_ p: RecordedProcess, at ms: Int, argv: [String]) {
        builder.add(.fork(Self.stamp(ms), p))
        builder.add(.exec(Self.stamp(ms), p, argv: argv))
    }

    mutating func signal(_ to: RecordedProcess, _ number: Int, from sender: Int, _ senderComm: String, at ms: Int,
                         result: String = "delivered", origin: String = "process") {
        var s = TraceReport.Signal(stamp: Self.stamp(ms), number: number, name: SignalName.of(Int32(number)))
        s.result = result
        s.origin = origin
        s.sender = TraceReport.Signal.Sender(hostPID: sender, nsPID: nil, comm: senderComm, containerName: nil)
        builder.add(.signal(to, s))
    }

    mutating func exit(_ p: RecordedProcess, at ms: Int, _ outcome: TraceReport.ExitOutcome) {
        builder.add(.exit(Self.stamp(ms), p, outcome))
    }

    static func killed(_ n: Int) -> TraceReport.ExitOutcome { .signal(n, name: SignalName.of(Int32(n)), coreDumped: false) }

    consuming func generation() throws -> TraceReport.Generation { try #require(builder.finish().generations.first) }
}

@Suite("summary report: the story's text for init wrappers, earlier signals, docker exec, threads")
fileprivate struct StoryTextTests {
    typealias S = Story
    let initProcess = S.process(100, 50, ns: 1, comm: "docker-init")
    let app = S.process(101, 100, ns: 7, comm: "sh")

    /// docker-init as PID 1 with `sh` as its app; SIGTERM from runc at 1 s, forwarded 0.1 ms later.
    private func wrapped(_ appSide: (inout Story) -> Void) throws -> TraceReport.Generation {
        var s = Story()
        s.start(initProcess, at: 0, argv: ["/sbin/docker-init", "--", "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"])
        s.builder.add(.fork(S.stamp(1), app))
        s.builder.add(.exec(S.stamp(1), app, argv: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]))
        s.signal(initProcess, 15, from: 60, "runc", at: 1000)
        appSide(&s)
        return try s.generation()
    }

    @Test("--init, the app handles SIGTERM: forwarded, handled, no --init advice")
    func initAppHandles() throws {
        let g = try wrapped { s in
            s.builder.add(.signal(S.process(101, 100, ns: 7, comm: "sh"), {
                var t = TraceReport.Signal(stamp: TraceReport.Stamp(time: nil, tsNs: 1000 * S.ms + 100_000), number: 15, name: "SIGTERM")
                t.result = "delivered"; t.origin = "process"
                t.sender = .init(hostPID: 100, nsPID: 1, comm: "docker-init", containerName: nil)
                return t
            }()))
            s.exit(S.process(101, 100, ns: 7, comm: "sh"), at: 1012, .code(0))
            s.exit(S.process(100, 50, ns: 1, comm: "docker-init"), at: 1013, .code(0))
        }
        #expect(g.findings.map(\.kind) == ["clean_stop"])
        let text = try #require(g.findings.first?.text)
        #expect(text.hasPrefix("PID 1 (/sbin/docker-init -- sh -c"), "\(text)")
        #expect(text.contains(", an init (docker-init), received SIGTERM from host PID 60 (runc) and forwarded it 100 µs later to the app, host 101/ns 7 (sh)."), "\(text)")
        #expect(text.contains("The app handled it: it exited (code 0) 12 ms after the request; PID 1 then exited (code 0) 13 ms after the request."), "\(text)")
        #expect(!text.contains("handled the request itself"))
        #expect(g.findings.allSatisfy { $0.fix?.contains("--init") != true })
    }

    @Test("--init, the app dies of SIGTERM: PID 1's 143 is explained")
    func initAppKilled() throws {
        let g = try wrapped { s in
            s.signal(S.process(101, 100, ns: 7, comm: "sh"), 15, from: 100, "docker-init", at: 1000)
            s.exit(S.process(101, 100, ns: 7, comm: "sh"), at: 1001, S.killed(15))
            s.exit(S.process(100, 50, ns: 1, comm: "docker-init"), at: 1002, .code(143))
        }
        let text = try #require(g.findings.first?.text)
        #expect(g.findings.map(\.kind) == ["clean_stop"])
        #expect(text.contains("The app had no handler and died of SIGTERM 1 ms after the request; PID 1 then exited with code 143 "
                              + "(128 + 15: how a shell or an init reports a child killed by SIGTERM) 2 ms after the request."), "\(text)")
        #expect(!text.contains("handled"), "\(text)")
    }

    @Test("--init, the app ignores SIGTERM: the fix is the app's, never --init")
    func initAppIgnores() throws {
        let g = try wrapped { s in
            s.signal(S.process(101, 100, ns: 7, comm: "sh"), 15, from: 100, "docker-init", at: 1000, result: "ignored")
            s.signal(S.process(100, 50, ns: 1, comm: "docker-init"), 9, from: 61, "runc", at: 11_000)
            s.signal(S.process(101, 100, ns: 7, comm: "sh"), 9, from: 100, "docker-init", at: 11_001, origin: "pidns_teardown")
            s.exit(S.process(100, 50, ns: 1, comm: "docker-init"), at: 11_001, S.killed(9))
            s.exit(S.process(101, 100, ns: 7, comm: "sh"), at: 11_002, S.killed(9))
        }
        #expect(g.findings.map(\.kind) == ["stop_timeout"])
        let f = try #require(g.findings.first)
        #expect(f.text.contains("The app ignored it: SIGKILL from host PID 61 (runc) followed 10.0 s later (the stop timeout) and killed PID 1; "
                                + "the kernel then killed the app (namespace torn down)."), "\(f.text)")
        #expect(f.fix?.hasPrefix("make the app (`sh -c 'trap '\\''exit 0'\\'' TERM; while :; do sleep 1; done'`) exit on SIGTERM: docker-init passes it on") == true,
                "\(f.fix ?? "")")
        #expect(f.fix?.contains("--init") == false)
    }

    @Test("--init, the app ignores SIGTERM and the trace ends first: pending, still the app's fix")
    func initAppIgnoresTraceEnds() throws {
        let g = try wrapped { s in
            s.signal(S.process(101, 100, ns: 7, comm: "sh"), 15, from: 100, "docker-init", at: 1000, result: "ignored")
        }
        let f = try #require(g.findings.first)
        #expect(f.kind == "stop_pending")
        #expect(f.text.hasSuffix("(sh). The app ignored it; both were still running when the trace ended."), "\(f.text)")
        #expect(f.fix?.hasPrefix("make the app (") == true && f.fix?.contains("--init") == false)
    }

    @Test("an earlier docker kill -s HUP does not explain the later docker stop")
    func stopToldByItsOwnSignals() throws {
        var s = Story()
        let sh = S.process(100, 50, ns: 1, comm: "sh")
        s.start(sh, at: 0, argv: ["/bin/sh", "/start.sh"])
        s.signal(sh, 1, from: 55, "runc", at: 2000, result: "ignored")
        s.signal(sh, 15, from: 60, "runc", at: 5200, result: "ignored")
        s.signal(sh, 9, from: 61, "runc", at: 15_200)
        s.exit(sh, at: 15_201, S.killed(9))
        let g = try s.generation()
        let f = try #require(g.findings.first)
        #expect(f.kind == "stop_timeout")
        #expect(f.text.contains("ignored SIGTERM from host PID 60 (runc): a namespace's PID 1 gets only the signals it has a handler for, "
                                + "except SIGKILL and SIGSTOP sent from an ancestor namespace, which always reach it. "
                                + "SIGKILL from host PID 61 (runc) followed 10.0 s later (the stop timeout)"), "\(f.text)")
        #expect(!f.text.contains("SIGHUP") && f.fix?.contains("SIGHUP") == false, "\(f)")
    }

    /// sh as PID 1 runs nginx (exec record, later a title in a snapshot), a loop's `sleep 1`s, and
    /// a `docker exec` sleep whose parent is outside the container.
    @Test("the fix names the server by its exec, not a docker exec process, a short-lived child or a title")
    func fixNamesTheServer() throws {
        var s = Story()
        let sh = S.process(100, 50, ns: 1, comm: "sh")
        s.start(sh, at: 0, argv: ["/bin/sh", "/start.sh"])
        let exec = S.process(300, 40, ns: 30, comm: "sleep") // docker exec: parent is the shim
        s.start(exec, at: 10, argv: ["sleep", "1000"])
        for i in 0..<3 {
            let sleep = S.process(200 + i, 100, ns: 20 + i, comm: "sleep")
            s.start(sleep, at: 100 + 1000 * i, argv: ["sleep", "1"])
            if i < 2 { s.exit(sleep, at: 1100 + 1000 * i, .code(0)) }
        }
        let nginx = S.process(110, 100, ns: 8, comm: "nginx")
        s.start(nginx, at: 20, argv: ["nginx", "-g", "daemon off;"])
        s.builder.add(.snapshot(S.stamp(30), nginx, argv: ["nginx: master process nginx -g daemon off;"], atClaim: true))
        let worker = S.process(111, 110, ns: 9, comm: "nginx")
        s.builder.add(.fork(S.stamp(25), worker))
        s.signal(sh, 15, from: 60, "runc", at: 3000, result: "ignored")
        s.signal(sh, 9, from: 61, "runc", at: 6000)
        s.exit(sh, at: 6001, S.killed(9))
        for p in [exec, nginx, worker, S.process(202, 100, ns: 22, comm: "sleep")] {
            s.signal(p, 9, from: 100, "sh", at: 6002, origin: "pidns_teardown")
            s.exit(p, at: 6003, S.killed(9))
        }
        let g = try s.generation()
        let f = try #require(g.findings.first { $0.kind == "never_got_sigterm" })
        #expect(f.text.contains("host 300/ns 30 (sleep, started from outside the container, as by `docker exec`)"), "\(f.text)")
        #expect(f.fix?.hasPrefix("make the entrypoint script start the server with `exec nginx -g 'daemon off;'`, so that") == true, "\(f.fix ?? "")")
        #expect(f.fix?.contains("sleep") == false && f.fix?.contains("master process") == false)
    }

    @Test("only a title known: not presented as a command; only docker exec processes: no entrypoint fix")
    func noClearCommand() throws {
        func run(withServer: Bool) throws -> TraceReport.Finding {
            var s = Story()
            let sh = S.process(100, 50, ns: 1, comm: "sh")
            s.builder.add(.snapshot(S.stamp(0), sh, argv: ["/bin/sh", "/start.sh"], atClaim: false))
            let exec = S.process(300, 40, ns: 30, comm: "sleep")
            s.builder.add(.snapshot(S.stamp(0), exec, argv: ["sleep", "1000"], atClaim: false))
            let nginx = S.process(110, 100, ns: 8, comm: "nginx")
            if withServer { s.builder.add(.snapshot(S.stamp(0), nginx, argv: ["nginx: master process nginx -g daemon off;"], atClaim: false)) }
            s.signal(sh, 15, from: 60, "runc", at: 3000, result: "ignored")
            s.signal(sh, 9, from: 61, "runc", at: 6000)
            s.exit(sh, at: 6001, S.killed(9))
            return try #require(try s.generation().findings.first { $0.kind == "never_got_sigterm" })
        }
        let titled = try run(withServer: true)
        #expect(titled.fix?.contains("`exec` (the server: host 110/ns 8 (nginx), seen only as \"'nginx: master process nginx -g daemon off;'\" in /proc, which may be a title it set)") == true,
                "\(titled.fix ?? "")")
        #expect(titled.fix?.contains("`exec sleep") == false && titled.fix?.contains("`exec 'nginx:") == false)
        let onlyExec = try run(withServer: false)
        #expect(onlyExec.fix == nil, "\(onlyExec.fix ?? "")")
    }

    @Test("a multi-threaded PID 1: one OOM kill per process; the teardown's SIGKILL to its threads is no process left")
    func threadsAreNotProcesses() throws {
        var s = Story()
        let app = S.process(100, 50, ns: 1, comm: "java")
        s.start(app, at: 0, argv: ["java", "-jar", "app.jar"])
        let child = S.process(120, 100, ns: 5, comm: "helper")
        s.start(child, at: 5, argv: ["helper"])
        s.builder.add(.oomKill(S.stamp(900), child, memcgID: 4))
        s.builder.add(.oomKill(S.stamp(900), child, memcgID: 4)) // its second thread
        s.exit(child, at: 901, S.killed(9))
        s.exit(app, at: 1000, .code(1))
        s.signal(app, 9, from: 100, "java", at: 1000, origin: "pidns_teardown")
        s.signal(app, 9, from: 100, "java", at: 1000, origin: "pidns_teardown")
        let g = try s.generation()
        #expect(g.oomKills.count == 1)
        #expect(g.signalsToInit.isEmpty)
        #expect(g.findings.map(\.kind) == ["exited", "oom_kill"])
        let text = try #require(g.findings.first?.text)
        #expect(text == "PID 1 (java -jar app.jar) exited by itself with code 1 after 1.0 s: no signal asked it to.", "\(text)")
        #expect(g.otherSignalsToInit[GenerationState.teardownToThreads] == 2)
    }

    // MARK: - Real recordings (pidtrace on this machine's dockerd; see the test names)

    @Test("recorded: docker run --init, busybox sh trapping TERM with exit 0, docker stop")
    func recordedInitHandles() throws {
        let g = try #require(try ReportFixture.report("init-handles").generations.first)
        #expect(g.findings.map(\.kind) == ["clean_stop"])
        let text = try #require(g.findings.first?.text)
        #expect(text.contains("), an init (docker-init), received SIGTERM from host PID 15192 (runc) and forwarded it 21 µs later to the app, host 15028/ns 6 (sh)."), "\(text)")
        #expect(text.hasSuffix("The app handled it: it exited (code 0) 473 ms after the request; PID 1 then exited (code 0) 474 ms after the request."), "\(text)")
    }

    @Test("recorded: docker run --init busybox sleep 1000, docker stop: the app died of SIGTERM, PID 1 exited 143")
    func recordedInitKilled() throws {
        let report = try ReportFixture.report("init-killed")
        let g = try #require(report.generations.first)
        #expect(g.ending == .exited(code: 143))
        let text = try #require(g.findings.first?.text)
        #expect(text.contains("forwarded it 2 ms later to the app, host 15312/ns 7 (sleep). The app had no handler and died of SIGTERM"), "\(text)")
        #expect(text.contains("PID 1 then exited with code 143 (128 + 15: how a shell or an init reports a child killed by SIGTERM)"), "\(text)")
        #expect(report.summaryText().contains("    ended: exit 143 (128 + 15: how a shell or an init reports a child killed by SIGTERM)\n"))
    }

    @Test("recorded: docker run --init, sh trapping TERM with '', docker stop -t 3: the app ignored it")
    func recordedInitIgnores() throws {
        let g = try #require(try ReportFixture.report("init-ignores").generations.first)
        #expect(g.findings.map(\.kind) == ["stop_timeout"])
        let f = try #require(g.findings.first)
        #expect(f.text.contains("The app ignored it: SIGKILL from host PID 20296 (runc) followed 3.0 s later (the stop timeout) and killed PID 1; "
                                + "the kernel then killed the app (namespace torn down)."), "\(f.text)")
        #expect(f.fix?.hasPrefix("make the app (`sh -c 'trap \"\" TERM; while :; do sleep 1; done'`) exit on SIGTERM") == true, "\(f.fix ?? "")")
        #expect(f.fix?.contains("--init") == false)
    }

    @Test("recorded: nginx without exec, docker kill -s HUP, docker exec -d sleep 1000, docker stop (10 s)")
    func recordedHUPExecStop() throws {
        let g = try #require(try ReportFixture.report("hup-exec-stop").generations.first)
        #expect(g.findings.map(\.kind) == ["stop_timeout", "never_got_sigterm"])
        let stop = try #require(g.findings.first)
        #expect(stop.text.contains("ignored SIGTERM from host PID 22432 (runc)") && stop.text.contains("SIGKILL from host PID 25153 (runc) followed 10.0 s later"),
                "\(stop.text)")
        #expect(!stop.text.contains("SIGHUP"))
        let unaware = try #require(g.findings.last)
        #expect(unaware.text.contains("host 21791/ns 10 (sleep, started from outside the container, as by `docker exec`)"), "\(unaware.text)")
        #expect(unaware.fix?.contains("`exec nginx -g 'daemon off;'`") == true && unaware.fix?.contains("sleep") == false, "\(unaware.fix ?? "")")
    }

    @Test("recorded: docker run of a missing entrypoint: runc's init exits 1; the teardown SIGKILL to its own thread is no process left")
    func recordedTeardownOfInitThreads() throws {
        let g = try #require(try ReportFixture.report("missing-entrypoint-teardown").generations.first)
        #expect(g.signalsToInit.isEmpty)
        #expect(g.otherSignalsToInit[GenerationState.teardownToThreads] == 1)
        // Runc's init never exec'd the entrypoint (FailedExecStory): told as such, with no process left.
        #expect(g.findings.map(\.kind) == ["never_started"])
        let text = try #require(g.findings.first?.text)
        #expect(text.hasPrefix("The entrypoint never started: PID 1 (runc:[2:INIT], the runtime's init) exited with code 1"), "\(text)")
        #expect(!text.contains("left") && !text.contains("torn down") && !text.contains("by itself"), "\(text)")
    }
}
