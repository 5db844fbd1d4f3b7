import Testing
@testable import PidtraceCore

@Suite("summary report: a container restarted three times")
struct ReportRestartTests {
    let report: TraceReport

    init() throws { report = try ReportFixture.report("restarts") }

    @Test("the recording is complete, with its loss total and no malformed line")
    func stream() {
        #expect(report.stream.complete)
        #expect(report.stream.stopReason == "signal")
        #expect(report.stream.lost == 3)
        #expect(report.stream.records == 44)
        #expect(report.stream.hostname == "web1")
        #expect(report.diagnostics.isEmpty)
    }

    @Test("three generations of one container: two restarts, the third reusing the first namespace inode")
    func generations() {
        #expect(report.containers == [TraceReport.ContainerRuns(
            id: "3f2a9c1b2d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef", name: "web", generations: 3)])
        #expect(report.containers.first?.restarts == 2)
        #expect(report.generations.map { $0.container?.generation } == [1, 2, 3])
        #expect(report.generations.map(\.initHostPID) == [4242, 4300, 4400])
        #expect(report.generations.map(\.pidns) == [4026532178, 4026532190, 4026532178])
        #expect(report.generations.map(\.processesSeen) == [3, 2, 4])
        #expect(report.generations.map(\.runningAtTraceStart) == [true, false, false])
        #expect(report.generations.map(\.lifetimeNs) == [nil, 8_000_000_000, 17_100_000_000])
    }

    @Test("generation 1: running at trace start, exec'd nginx, exit 3")
    func exitCode() {
        let g = report.generations[0]
        #expect(g.execChain.map(\.argv) == [["sh", "-c", "start.sh"], ["nginx", "-g", "daemon off;"]])
        #expect(g.execChain.map(\.runningAtStart) == [true, false])
        #expect(g.start?.time == "2026-03-02T10:00:00.010000000Z")
        #expect(g.end?.time == "2026-03-02T10:00:03.000000000Z")
        #expect(g.ending == .exited(code: 3))
        #expect(g.signalsToInit.isEmpty)
    }

    @Test("generation 2: SIGTERM ignored, then killed by SIGKILL from dockerd")
    func killedWithSender() {
        let g = report.generations[1]
        let dockerd = TraceReport.Signal.Sender(hostPID: 77, nsPID: nil, comm: "dockerd", containerName: nil)
        #expect(g.ending == .killed(signal: 9, name: "SIGKILL", coreDumped: false, sender: dockerd))
        #expect(g.signalsToInit.map(\.name) == ["SIGTERM", "SIGKILL"])
        #expect(g.signalsToInit.map(\.result) == ["ignored", "delivered"])
        #expect(g.neverReaped.map(\.process) == [TraceReport.ProcessRef(hostPID: 4301, nsPID: 2, comm: "sleep")])
        #expect(g.neverReaped.first?.zombieNs == 5_000_000_000)
    }

    @Test("generation 3: OOM-killed PID 1; an orphan reaped late by PID 1")
    func oomKill() {
        let g = report.generations[2]
        #expect(g.ending == .oomKilled(memcgID: 5123))
        #expect(g.oomKills.map(\.process.hostPID) == [4400])
        #expect(g.execChain.map(\.argv) == [["sh", "-c", "start.sh"], ["/app/leak"]])
        #expect(g.reapedLate.count == 1)
        #expect(g.reapedLate.first?.process == TraceReport.ProcessRef(hostPID: 4412, nsPID: 4, comm: "sh"))
        #expect(g.reapedLate.first?.reaper == TraceReport.ProcessRef(hostPID: 4400, nsPID: 1, comm: "sh"))
        #expect(g.reapedLate.first?.reparentedToNsInit == true)
        #expect(g.neverReaped.isEmpty)
    }

    @Test("the text names each ending the way a user asks about it")
    func text() {
        let text = report.summaryText()
        #expect(text.contains("container web (3f2a9c1b2d4e): 3 generations in the file, 2 restarts"))
        #expect(text.contains("  generation 1: PID 1 = host 4242, pidns 4026532178\n"
                              + "    exec: sh -c start.sh (running at start) → nginx -g 'daemon off;'\n"))
        #expect(text.contains("    from 2026-03-02T10:00:00.010000000Z (trace start) to 2026-03-02T10:00:03.000000000Z\n"
                              + "    ended: exit 3\n"))
        #expect(text.contains("    from 2026-03-02T10:00:04.000000000Z to 2026-03-02T10:00:12.000000000Z (8.0 s)\n"))
        #expect(text.contains("    ended: killed by SIGKILL from host PID 77 (dockerd)\n"))
        #expect(text.contains("    signal to PID 1: SIGTERM from host PID 77 (dockerd), ignored at 2026-03-02T10:00:11.000000000Z\n"))
        #expect(text.contains("    ended: killed by the OOM killer (memory cgroup 5123)\n"))
        #expect(text.contains("    zombies never reaped: host 4301/ns 2 (sleep), a zombie for 5.0 s at its last record\n"))
        #expect(text.contains("    reaped late: host 4412/ns 4 (sh) after 7.5 s by host 4400/ns 1 (sh) (reparented to PID 1)\n"))
        #expect(text.hasPrefix("recording: complete (stop: signal), 44 records, 3 lost\n"))
    }
}
