import Testing
@testable import PidtraceCore

/// Failed execs in the story, from real recordings (pidtrace on this machine's dockerd,
/// image local/busybox): `sh -c 'echo starting; exec /app/server --port 8080'` on a
/// missing binary (exit 127); an entrypoint that does not exist (runc fails before any
/// execve; Docker: exit 127, state created), recorded before and after pidtrace asked
/// Docker why (`entrypoint-missing-error`), and one without an execute bit (126); an
/// entrypoint script with a CRLF `#!` line (runc's execve fails with ENOENT; exit 1); an
/// aarch64 binary (default events: Docker reports start, then die 1) and a script
/// without a `#!` line (`--events +exec_failed`: ENOEXEC).
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

    @Test("the runtime said why it could not start it: the path, runc's reason in words, the runtime's words quoted")
    func entrypointMissingWithTheRuntimesError() throws {
        let report = try ReportFixture.report("entrypoint-missing-error")
        let g = try #require(report.generations.first)
        #expect(g.execChain.isEmpty && g.failedExecs.isEmpty && !g.startReported)
        let refused = try #require(g.startFailure)
        #expect(refused.exitCode == 127 && refused.error?.hasPrefix("failed to create shim task: OCI runtime create failed") == true)
        #expect(g.findings.map(\.kind) == ["never_started"])
        let finding = try #require(g.findings.first)
        #expect(finding.text == "The entrypoint never started: the runtime could not run /app/server: there is no file at that "
            + "path in the container. PID 1 (runc:[2:INIT], the runtime's init) exited with code 1 before any exec, and "
            + "Docker reports exit 127 (a command was not found). The runtime said: “failed to create shim task: OCI "
            + "runtime create failed: runc create failed: unable to start container process: exec: \"/app/server\": stat "
            + "/app/server: no such file or directory: unknown”.")
        #expect(finding.fix == "check that `/app/server` exists in the image at that path (or correct the entrypoint or command that names it)")
        #expect(!report.summaryText().contains("Either"))
    }

    @Test("an entrypoint without an execute bit: 126, what runc's permission denied means")
    func entrypointNotExecutable() throws {
        let g = try #require(try ReportFixture.report("entrypoint-not-executable-error").generations.first)
        let finding = try #require(g.findings.first)
        #expect(finding.text.hasPrefix("The entrypoint never started: the runtime could not run /app/server: it is not a file "
            + "runc can execute (no execute bit, a directory, or a filesystem mounted noexec). PID 1 (runc:[2:INIT], the "
            + "runtime's init) exited with code 1 before any exec, and Docker reports exit 126 (a command was found but could "
            + "not be executed). The runtime said: “"))
        #expect(finding.text.hasSuffix(#"exec: "/app/server": permission denied: unknown”."#))
        #expect(finding.fix?.hasPrefix("make `/app/server` an executable file in the image (`chmod +x`") == true)
    }

    @Test("a binary for another architecture, default events: started, then gone without an exec; the reason is in its output")
    func foreignArchitectureWithoutExecFailed() throws {
        let g = try #require(try ReportFixture.report("entrypoint-foreign-arch").generations.first)
        #expect(g.startReported && g.startFailure == nil && g.failedExecs.isEmpty)
        let finding = try #require(g.findings.first)
        #expect(finding.kind == "never_started")
        #expect(finding.text.hasPrefix("The entrypoint never started: PID 1 (runc:[2:INIT], the runtime's init) exited with "
            + "code 1 without exec'ing it, after the runtime had started the container. runc refuses a missing entrypoint, "
            + "or one without an execute bit, before the start, so here the exec itself failed"))
        #expect(finding.text.contains("a binary for another architecture or a script without a `#!` line (ENOEXEC)"))
        #expect(!finding.text.contains("127 or 126"))
        #expect(finding.fix == "see the container's output (`docker logs ep-arm`: runc writes `exec PATH: REASON` there), "
            + "or trace with `--events +exec_failed`, which records the failed exec with its path and error")
    }

    @Test("a script without a #! line, with exec_failed: ENOEXEC named, with its meaning and the path")
    func noShebangWithExecFailed() throws {
        let g = try #require(try ReportFixture.report("entrypoint-no-shebang-exec-failed").generations.first)
        let failed = try #require(g.failedExecs.last)
        #expect(failed.error == "ENOEXEC" && failed.errno == 8 && failed.path == "/app/server")
        let finding = try #require(g.findings.first)
        #expect(finding.text == "The entrypoint never started: the exec of /app/server by PID 1 (runc:[2:INIT], the runtime's "
            + "init) failed: ENOEXEC (exec format error), and it exited with code 1. The kernel cannot run that format: a "
            + "binary for another architecture, or a script without a `#!` line.")
    }

    @Test("recorded before the runtime was asked: both ways an entrypoint fails to start are said")
    func entrypointMissingWithoutTheRuntimesWord() throws {
        let g = try #require(try ReportFixture.report("entrypoint-missing").generations.first)
        let finding = try #require(g.findings.first)
        #expect(finding.text.contains("Either the runtime's own check refused the entrypoint before any exec"))
        #expect(finding.text.contains("or its exec failed"))
        #expect(finding.fix == "see the runtime's error (`docker inspect -f '{{.State.Error}}' ef-never`) and the "
            + "container's output (`docker logs ef-never`)")
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

extension FailedExecStoryTests {
    @Test("a runtime error without runc's `exec:` part (a mount that failed): quoted whole, no entrypoint fix")
    func runtimeErrorOfAnotherKind() throws {
        let lines = try ReportFixture.lines("entrypoint-missing-error").map { String(decoding: $0, as: UTF8.self) }
        // The recorded line with another error in place of runc's.
        let other = lines.map { line in
            guard line.contains("start_failed"), let from = line.firstRange(of: #""error":""#),
                  let to = line.firstRange(of: #"","container_id""#) else { return line }
            return String(line[..<from.upperBound]) + #"OCI runtime create failed: error mounting \"/data\": no such device: unknown"#
                + String(line[to.lowerBound...])
        }
        let directory = try TemporaryDirectory()
        let report = try ReportFixture.report(text: other.joined(separator: "\n"), in: directory)
        let finding = try #require(report.generations.first?.findings.first)
        #expect(finding.text == "The entrypoint never started: the runtime could not start the container. PID 1 "
            + "(runc:[2:INIT], the runtime's init) exited with code 1 before any exec, and Docker reports exit 127 (a command "
            + #"was not found). The runtime said: “OCI runtime create failed: error mounting "/data": no such device: unknown”."#)
        #expect(finding.fix?.hasPrefix("correct what the runtime's error names") == true)
    }
}
