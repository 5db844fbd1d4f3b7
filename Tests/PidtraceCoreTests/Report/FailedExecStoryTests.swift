import Testing
@testable import PidtraceCore

/// Failed execs in the story, from real recordings (pidtrace on this machine's dockerd,
/// image local/busybox): `sh -c 'echo starting; exec /app/server --port 8080'` on a
/// missing binary (exit 127); an entrypoint that does not exist (runc fails before any
/// execve; Docker: exit 127, state created); an entrypoint script with a CRLF `#!` line
/// (runc's execve fails with ENOENT; exit 1).
@Suite("summary report: failed execs")
struct FailedExecStoryTests {
    @Test("sh execs a missing binary: exit 127 told through the failed exec")
    func scriptExecsAMissingBinary() throws {
        let report = try ReportFixture.report("exec-failed-127")
        let g = try #require(report.generations.first)
        #expect(g.failedExecs.count == 1)
        let failed = try #require(g.failedExecs.first)
        #expect(failed.path == "/app/server" && failed.error == "ENOENT" && failed.errno == 2)
        #expect(failed.argv == ["/app/server", "--port", "8080"])
        #expect(failed.byInit && !failed.superseded)
        #expect(g.ending == .exited(code: 127))
        #expect(g.findings.map(\.kind) == ["exec_failed"])
        let finding = try #require(g.findings.first)
        #expect(finding.text.hasPrefix("PID 1 (sh -c 'echo starting; exec /app/server --port 8080') exited with code 127 "
            + "(a shell's code for a command not found) after its exec of /app/server failed: ENOENT (no such file or directory)."))
        #expect(finding.fix?.contains("`/app/server` exists in the image") == true)
        #expect(!finding.text.contains("by itself"))
        #expect(report.summaryText().contains("after its exec of /app/server failed: ENOENT"))
    }

    @Test("an entrypoint that does not exist: never started, no process left, no teardown victim")
    func entrypointMissing() throws {
        let report = try ReportFixture.report("entrypoint-missing")
        let g = try #require(report.generations.first)
        #expect(g.execChain.isEmpty && g.failedExecs.isEmpty)
        #expect(g.ending == .exited(code: 1))
        // The teardown SIGKILL went to PID 1's own thread (host_tid ≠ host_pid): not a victim.
        #expect(g.processes.allSatisfy { !$0.killedByTeardown })
        #expect(g.signalsToInit.isEmpty)
        #expect(g.findings.map(\.kind) == ["never_started"])
        let text = try #require(g.findings.first).text
        #expect(text.hasPrefix("The entrypoint never started: PID 1 (runc:[2:INIT], the runtime's init) exited with code 1 without exec'ing it."))
        let summary = report.summaryText()
        #expect(!summary.contains("process left") && !summary.contains("torn down") && !summary.contains("by itself"))
    }

    @Test("an entrypoint with a CRLF #! line: runc's exec fails, named with its path and error")
    func entrypointCRLF() throws {
        let report = try ReportFixture.report("entrypoint-crlf")
        let g = try #require(report.generations.first)
        #expect(g.execChain.isEmpty)
        let failed = try #require(g.failedExecs.last)
        #expect(failed.process.comm == "runc:[2:INIT]" && failed.byInit)
        #expect(g.findings.map(\.kind) == ["never_started"])
        let finding = try #require(g.findings.first)
        #expect(finding.text.hasPrefix("The entrypoint never started: the exec of /app/start.sh by PID 1 (runc:[2:INIT], "
            + "the runtime's init) failed: ENOENT (no such file or directory), and it exited with code 1."))
        #expect(finding.text.contains("CRLF"))
        #expect(!report.summaryText().contains("process left"))
    }

    @Test("a PATH search's failures before a successful exec are not the story")
    func pathSearchIsSuperseded() throws {
        let lines = [
            #"{"event":"fork","ts_ns":1,"host_pid":50,"host_ppid":40,"ns_pid":1,"pidns":7,"comm":"sh","new_pidns":true}"#,
            #"{"event":"exec","ts_ns":2,"host_pid":50,"host_ppid":40,"ns_pid":1,"pidns":7,"comm":"sh","argv":["sh","-c","true; exit 3"]}"#,
            #"{"event":"exec_failed","ts_ns":3,"host_pid":51,"host_ppid":50,"ns_pid":2,"pidns":7,"comm":"sh","filename":"/usr/local/bin/true","argv":["true"],"errno":2,"error":"ENOENT"}"#,
            #"{"event":"exec","ts_ns":4,"host_pid":51,"host_ppid":50,"ns_pid":2,"pidns":7,"comm":"true","argv":["true"]}"#,
            #"{"event":"exit","ts_ns":5,"host_pid":51,"host_ppid":50,"ns_pid":2,"pidns":7,"comm":"true","exit_code":0}"#,
            #"{"event":"exit","ts_ns":6,"host_pid":50,"host_ppid":40,"ns_pid":1,"pidns":7,"comm":"sh","exit_code":127}"#,
        ]
        let directory = try TemporaryDirectory()
        let report = try ReportFixture.report(text: lines.joined(separator: "\n") + "\n", in: directory)
        let g = try #require(report.generations.first)
        #expect(g.failedExecs.count == 1 && g.failedExecs[0].superseded)
        #expect(g.findings.map(\.kind) == ["exited"])
    }

    @Test("a child's failed exec explains PID 1's 127; an unknown errno keeps its number")
    func childsFailedExec() throws {
        let lines = [
            #"{"event":"exec","ts_ns":2,"host_pid":50,"host_ppid":40,"ns_pid":1,"pidns":7,"comm":"sh","argv":["/bin/sh","/start.sh"]}"#,
            #"{"event":"exec_failed","ts_ns":3,"host_pid":51,"host_ppid":50,"ns_pid":2,"pidns":7,"comm":"sh","filename":"/app/x","argv":["/app/x"],"errno":95,"error":"E95"}"#,
            #"{"event":"exit","ts_ns":6,"host_pid":50,"host_ppid":40,"ns_pid":1,"pidns":7,"comm":"sh","exit_code":127}"#,
        ]
        let directory = try TemporaryDirectory()
        let report = try ReportFixture.report(text: lines.joined(separator: "\n") + "\n", in: directory)
        let g = try #require(report.generations.first)
        let finding = try #require(g.findings.first)
        #expect(finding.kind == "exec_failed")
        #expect(finding.text == "PID 1 (/bin/sh /start.sh) exited with code 127 (a shell's code for a command not found) "
            + "after the exec of /app/x by host 51/ns 2 (sh) failed: E95.")
        #expect(finding.fix == nil)
    }
}
