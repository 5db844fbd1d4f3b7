import Testing
@testable import PidtraceCore

@Suite("tree: process trees per generation")
struct TreeTextTests {
    @Test("every node is host/ns PID with its exec chain and end, children indented")
    func restarts() throws {
        let report = try ReportFixture.report("restarts")
        #expect(TraceReport.treeText(report.generations) == """
            container web (3f2a9c1b2d4e), generation 1, pidns 4026532178 (HOST-PID/NS-PID)
            4242/1 sh -c start.sh → nginx -g 'daemon off;' (exit 3)
              4250/6 sleep 100 (SIGTERM)
              4251/7 sh -c healthcheck (exit 0)

            container web (3f2a9c1b2d4e), generation 2, pidns 4026532190 (HOST-PID/NS-PID)
            4300/1 sh -c start.sh → nginx -g 'daemon off;' (SIGKILL)
              4301/2 sleep 1 (exit 0, zombie, never reaped)

            container web (3f2a9c1b2d4e), generation 3, pidns 4026532178 (HOST-PID/NS-PID)
            4400/1 sh -c start.sh → /app/leak (SIGKILL)
              4410/2 sh (exit 1)
                4412/4 sh (exit 0)
              4411/3 stress --vm 1 (exit 0)

            """)
    }

    @Test("--container picks generations by name or ID prefix")
    func byContainer() throws {
        let report = try ReportFixture.report("restarts")
        #expect(report.generations(ofContainer: "web").count == 3)
        #expect(report.generations(ofContainer: "3f2a9c").count == 3)
        #expect(report.generations(ofContainer: "db").isEmpty)
        #expect(report.generations(ofContainer: "").isEmpty)
    }

    @Test("snapshots out of PID order still nest (no argv shows as [comm]); a damaged file claiming a parent loop does not hang")
    func parents() throws {
        let dir = TemporaryDirectory("pidtrace-report")
        let report = try ReportFixture.report(text: """
            {"event":"snapshot","host_pid":60,"host_ppid":61,"ns_pid":2,"pidns":8,"comm":"child","argv":["child"]}
            {"event":"snapshot","host_pid":61,"host_ppid":59,"ns_pid":1,"pidns":8,"comm":"init","argv":["init","--x"]}
            {"event":"snapshot","host_pid":70,"host_ppid":71,"ns_pid":3,"pidns":8,"comm":"a"}
            {"event":"snapshot","host_pid":71,"host_ppid":70,"ns_pid":4,"pidns":8,"comm":"b"}
            {"event":"fork","host_pid":72,"host_ppid":72,"ns_pid":5,"pidns":8,"comm":"self"}

            """, in: dir)
        #expect(TraceReport.treeText(report.generations) == """
            PID namespace 8 (HOST-PID/NS-PID)
            61/1 init --x
              60/2 child
            71/4 [b]
              70/3 [a]
            72/5 self

            """)
    }
}
