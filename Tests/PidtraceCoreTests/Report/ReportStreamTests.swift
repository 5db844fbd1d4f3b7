import Testing
@testable import PidtraceCore

@Suite("summary report: cut, damaged and old recordings")
struct ReportStreamTests {
    @Test("a file without stop is cut short; its half-written last line is named")
    func truncated() throws {
        let report = try ReportFixture.report("truncated")
        #expect(!report.stream.complete)
        #expect(report.malformedLines == [7])
        #expect(report.stream.records == 6)
        #expect(report.generations.count == 1)
        let g = report.generations[0]
        #expect(g.container == nil)
        #expect(g.pidns == 4026532300 && g.initHostPID == 5000)
        #expect(g.execChain.map(\.argv) == [["sh", "-c", "sleep 1 & exec sleep 2"], ["sleep", "2"]])
        #expect(g.ending == nil)
        #expect(report.summaryText().contains("ended: no end recorded (the file was cut short)"))
        #expect(report.summaryText().contains("cut short (no stop record), 6 records, 0 lost, 1 malformed line (7)"))
    }

    @Test("malformed lines are reported by number; blank lines, unknown events and fields are not errors")
    func malformed() throws {
        let report = try ReportFixture.report("malformed")
        #expect(report.malformedLines == [3, 5, 7, 9, 10, 14])
        #expect(report.diagnostics.map(\.message) == [
            "not JSON: unknown literal at byte 1",
            "not JSON: unterminated array at byte 84",
            "not a JSON object",
            "no \"event\" field",
            "fork record without an integer \"host_pid\"",
            "not JSON: text after the JSON value at byte 57",
        ])
        #expect(report.stream.records == 8) // 13 lines that are not blank, less the 6 bad ones, plus the unknown event
        #expect(report.stream.complete)
        #expect(report.generations.first?.ending == .exited(code: 2))
        #expect(report.generations.first?.processesSeen == 2)
    }

    @Test("a file from the first contract: no generation, no signal name, no stream totals")
    func oldContract() throws {
        let report = try ReportFixture.report("old-contract")
        #expect(report.diagnostics.isEmpty)
        #expect(report.generations.count == 1)
        let g = report.generations[0]
        #expect(g.container == TraceReport.ContainerIdentity(id: "aa11bb22cc33dd44", name: "legacy", generation: 1))
        #expect(g.initHostPID == 7000)
        #expect(g.execChain.map(\.argv) == [["/app", "--serve"]])
        #expect(g.ending == .killed(signal: 15, name: "SIGTERM", coreDumped: false, sender: nil))
        #expect(report.summaryText().contains("ended: killed by SIGTERM (sender not recorded)"))
    }

    @Test("an unknown event alone is readable, and a new PID 1 in a reused namespace starts a generation")
    func namespaceReuse() throws {
        let dir = TemporaryDirectory("pidtrace-report")
        let report = try ReportFixture.report(text: """
            {"event":"fork","host_pid":10,"host_ppid":1,"ns_pid":1,"pidns":77,"new_pidns":true}
            {"event":"exit","host_pid":10,"ns_pid":1,"pidns":77,"exit_code":0}
            {"event":"fork","host_pid":20,"host_ppid":1,"ns_pid":1,"pidns":77,"new_pidns":true}
            {"event":"fork","host_pid":21,"host_ppid":20,"ns_pid":2,"pidns":77}
            {"event":"fork","host_pid":30,"host_ppid":1,"ns_pid":5,"pidns":99}
            {"event":"from_the_future","x":[1]}

            """, in: dir)
        #expect(report.generations.map(\.initHostPID) == [10, 20, nil])
        #expect(report.generations.map(\.pidns) == [77, 77, 99])
        #expect(report.generations.map(\.processesSeen) == [1, 2, 1])
        #expect(report.stream.records == 6)
        #expect(!report.stream.complete)
        #expect(report.summaryText().contains("  PID namespace 99: PID 1 = not seen\n    ended: PID 1 is not in the file\n"))
    }

    @Test("lost records add up when the stop record has no total, and per session in an appended file")
    func lostTotals() throws {
        let dir = TemporaryDirectory("pidtrace-report")
        let report = try ReportFixture.report(text: """
            {"event":"start"}
            {"event":"lost","count":2}
            {"event":"lost","count":5}
            {"event":"stop","reason":"signal"}
            {"event":"start"}
            {"event":"lost","count":4}
            {"event":"stop","lost":4,"reason":"duration"}

            """, in: dir)
        #expect(report.stream.lost == 11)
        #expect(report.stream.complete && report.stream.stopReason == "duration")
    }

    @Test("an over-long line is skipped and named, and the next line is read")
    func overLongLine() throws {
        let dir = TemporaryDirectory("pidtrace-report")
        let long = "{\"event\":\"exec\",\"host_pid\":1,\"argv\":[\"" + String(repeating: "a", count: 5000) + "\"]}\n"
        let report = try ReportFixture.report(bytes: Array((long + "{\"event\":\"stop\"}\n").utf8), in: dir, maxLineBytes: 4096)
        #expect(report.diagnostics == [TraceReport.Diagnostic(line: 1, message: "longer than 4096 bytes; skipped")])
        #expect(report.stream.complete)
    }

    @Test("a file that cannot be read throws with its errno")
    func unreadable() {
        #expect(throws: ReportInputError(path: "/nonexistent/x.ndjson", errno: 2)) {
            try TraceReport.read(path: "/nonexistent/x.ndjson")
        }
        let dir = TemporaryDirectory("pidtrace-report")
        #expect(throws: ReportInputError(path: dir.path, errno: 21)) { try TraceReport.read(path: dir.path) }
    }
}
