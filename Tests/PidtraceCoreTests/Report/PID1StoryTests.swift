import Testing
@testable import PidtraceCore

/// The PID 1 story from real recordings (made by pidtrace on this machine's dockerd,
/// the nginx images of scripts/build-nginx-image): what the summary says happened.
@Suite("summary report: the PID 1 story of real stops, restarts and a crash loop")
struct PID1StoryTests {
    @Test("sh as PID 1 without exec: ignored SIGTERM, the stop timeout, nginx never told, the fix")
    func entrypointWithoutExec() throws {
        let report = try ReportFixture.report("nginx-noexec-restart")
        #expect(report.generations.count == 2)
        for g in report.generations {
            #expect(!g.runningAtTraceStart)
            #expect(g.execChain.map(\.argv) == [["/bin/sh", "/start.sh"]])
            #expect(g.findings.map(\.kind) == ["stop_timeout", "never_got_sigterm"])
            let timeout = try #require(g.findings.first)
            #expect(timeout.text.contains("ignored SIGTERM from host PID"))
            #expect(timeout.text.contains("followed 3.0 s later (the stop timeout)"))
            let unaware = try #require(g.findings.last)
            #expect(unaware.text.hasPrefix("Never received SIGTERM: "))
            #expect(unaware.text.components(separatedBy: "(nginx)").count - 1 == 3)
            #expect(unaware.text.contains("namespace torn down"))
            #expect(unaware.fix?.contains("`exec nginx -g") == true && unaware.fix?.contains("docker run --init") == true)
            // The teardown kills name the kernel, not the shell.
            let killed = g.processes.filter { !$0.isInit }
            #expect(killed.count == 3 && killed.allSatisfy(\.killedByTeardown))
            #expect(g.signalsToInit.map(\.name) == ["SIGTERM", "SIGKILL"])
            #expect(g.otherSignalsToInit["SIGURG", default: 0] > 0)
        }
        let text = report.summaryText()
        #expect(!text.contains("running at start") && !text.contains("(trace start)"))
        #expect(!text.contains("signal to PID 1: SIGURG"))
        #expect(text.contains("other signals to PID 1 (not shown one by one): SIGURG ×"))
    }

    @Test("a signal after its target's exit (nginx's SIGIO) names that process, once")
    func signalAfterExit() throws {
        let report = try ReportFixture.report("nginx-noexec-stop")
        let g = try #require(report.generations.first)
        #expect(g.processes.map(\.process.hostPID).count == Set(g.processes.map(\.process.hostPID)).count)
        let unaware = try #require(g.findings.first { $0.kind == "never_got_sigterm" })
        #expect(unaware.text.components(separatedBy: "(nginx)").count - 1 == 3, "\(unaware.text)")
    }

    @Test("nginx as PID 1 (exec): it handled SIGTERM, no pitfall")
    func entrypointWithExec() throws {
        let report = try ReportFixture.report("nginx-exec-stop")
        let g = try #require(report.generations.first)
        #expect(g.execChain.map(\.argv) == [["/bin/sh", "/start-exec.sh"], ["nginx", "-g", "daemon off;"]])
        #expect(g.ending == .exited(code: 0))
        #expect(g.findings.map(\.kind) == ["clean_stop"])
        #expect(g.findings.first?.text.hasPrefix("PID 1 (nginx -g 'daemon off;') received SIGTERM from host PID") == true)
    }

    @Test("a --restart=always crash loop is one block: count, ending, lifetimes, no false still running")
    func crashLoop() throws {
        let report = try ReportFixture.report("crash-loop")
        #expect(report.generations.count == 8)
        #expect(report.generations.allSatisfy { $0.ending == .exited(code: 1) && !$0.runningAtTraceStart })
        let text = report.summaryText()
        #expect(text.contains("generations 1–8: a crash loop, 8 generations in 14.2 s, each exit 1 after ~"))
        #expect(text.components(separatedBy: "what happened:").count - 1 == 1)
        #expect(text.contains("exited by itself with code 1"))
        #expect(!text.contains("still running") && !text.contains("running at start"))
    }

    @Test("tree: one PID 1 node per generation")
    func treeHasOnePID1PerGeneration() throws {
        let report = try ReportFixture.report("nginx-noexec-restart")
        let roots = TraceReport.treeText(report.generations).split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(roots.count == 2)
        #expect(roots.allSatisfy { $0.contains("/1 /bin/sh /start.sh") })
    }

    @Test("runs of alike generations; a different one breaks the run")
    func crashLoopRuns() throws {
        var g = TraceReport.Generation()
        g.ending = .exited(code: 1)
        g.start = TraceReport.Stamp(time: nil, tsNs: 0)
        g.end = TraceReport.Stamp(time: nil, tsNs: 5)
        g.execChain = [TraceReport.ExecStep(stamp: g.start!, argv: ["false"], runningAtStart: false)]
        var other = g
        other.ending = .exited(code: 2)
        let runs = CrashLoop.runs([g, g, other, g])
        #expect(runs.map(\.count) == [2, 1, 1])
    }
}

@Suite("summary report: bounded for a live --summary")
struct BoundedReportTests {
    /// 20,000 short-lived children of one PID 1, then a stop: the live report keeps a
    /// bounded number of nodes, counts them all, and still tells the stop story.
    @Test func manyProcessesStayBounded() throws {
        var builder = ReportBuilder(lateReapNs: 5_000_000_000, nodeLimit: 512)
        func process(_ pid: Int, _ ppid: Int, _ ns: Int) -> RecordedProcess {
            var p = RecordedProcess(.object(["host_pid": .int(pid), "host_ppid": .int(ppid),
                                                           "ns_pid": .int(ns), "pidns": .int(7)]))!
            p.comm = "x"
            return p
        }
        let stamp = { (ns: Int) in TraceReport.Stamp(time: nil, tsNs: ns) }
        builder.add(.fork(stamp(1), process(100, 1, 1)))
        builder.add(.exec(stamp(2), process(100, 1, 1), argv: ["/bin/sh", "/start.sh"]))
        for i in 0..<20_000 {
            builder.add(.fork(stamp(10 + 3 * i), process(1000 + i, 100, 2 + i)))
            builder.add(.exit(stamp(11 + 3 * i), process(1000 + i, 100, 2 + i), .code(0)))
        }
        builder.add(.fork(stamp(100_000), process(50_000, 100, 30_000)))
        var term = TraceReport.Signal(stamp: stamp(1_000_000_000), number: 15, name: "SIGTERM")
        term.result = "ignored"
        term.origin = "process"
        builder.add(.signal(process(100, 1, 1), term))
        var kill = TraceReport.Signal(stamp: stamp(4_000_000_000), number: 9, name: "SIGKILL")
        kill.origin = "process"
        builder.add(.signal(process(100, 1, 1), kill))
        builder.add(.exit(stamp(4_000_000_001), process(100, 1, 1), .signal(9, name: "SIGKILL", coreDumped: false)))
        let g = try #require(builder.finish().generations.first)
        #expect(g.processesSeen == 20_002)
        #expect(g.processes.count <= 512, "\(g.processes.count) nodes kept")
        #expect(g.findings.map(\.kind) == ["stop_timeout", "never_got_sigterm"])
        #expect(g.findings.last?.text.contains("host 50000/ns 30000") == true)
    }
}
