import Testing
@testable import PidtraceCore

@Suite("summary report: zombies never reaped and reaped late")
struct ReportZombieTests {
    @Test("a PID 1 that never waits leaves its child a zombie; the latest zombie record gives its age")
    func neverReaped() throws {
        let g = try #require(try ReportFixture.report("zombies").generations.first)
        #expect(g.neverReaped.map(\.process.hostPID) == [6001])
        #expect(g.neverReaped.first?.zombieNs == 18_600_000_000)
        #expect(g.ending == nil)
        #expect(g.processes.first { $0.process.hostPID == 6001 }?.neverReaped == true)
    }

    @Test("a zombie record followed by a reap is not a zombie any more; a slow reap is late")
    func reapedLate() throws {
        let g = try #require(try ReportFixture.report("zombies").generations.first)
        #expect(g.reapedLate.map(\.process.hostPID) == [6002])
        #expect(g.reapedLate.first?.zombieNs == 6_000_000_000)
        #expect(g.reapedLate.first?.reaper?.hostPID == 6000)
    }

    @Test("the late threshold is the reader's: 10 s makes the 6 s reap on time")
    func threshold() throws {
        let g = try #require(try ReportFixture.report("zombies", lateReapNs: 10_000_000_000).generations.first)
        #expect(g.reapedLate.isEmpty)
        #expect(g.neverReaped.count == 1)
    }

    @Test("a reused PID is a new process: its exit is not the zombie's")
    func pidReuse() throws {
        let dir = TemporaryDirectory("pidtrace-report")
        let report = try ReportFixture.report(text: """
            {"event":"exec","host_pid":50,"ns_pid":1,"pidns":5,"argv":["init"]}
            {"event":"fork","host_pid":51,"host_ppid":50,"ns_pid":2,"pidns":5}
            {"event":"exit","host_pid":51,"ns_pid":2,"pidns":5,"exit_code":0}
            {"event":"reap","host_pid":51,"ns_pid":2,"pidns":5,"zombie_ns":1000,"reaper":{"host_pid":50,"comm":"init"}}
            {"event":"fork","host_pid":51,"host_ppid":50,"ns_pid":2,"pidns":5}
            {"event":"exit","host_pid":51,"ns_pid":2,"pidns":5,"exit_code":1}
            {"event":"zombie","host_pid":51,"ns_pid":2,"pidns":5,"zombie_ns":6000000000}

            """, in: dir)
        let g = try #require(report.generations.first)
        #expect(g.processes.map(\.process.hostPID) == [50, 51, 51])
        #expect(g.processes.map(\.neverReaped) == [false, false, true])
        #expect(g.processes.map(\.exit) == [nil, .code(0), .code(1)])
        #expect(g.processesSeen == 3, "PID 51 reused: two processes")
    }
}
