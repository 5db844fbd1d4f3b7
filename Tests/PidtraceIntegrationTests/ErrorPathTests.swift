import Foundation
import Glibc
import Testing

/// Runs pidtrace to completion (killed, and the test failed, after `timeout` seconds)
/// and returns (status, stdout, stderr).
func runPidtrace(_ arguments: [String], via launcher: [String] = [], timeout: Double = 20) throws
    -> (status: Int32, stdout: String, stderr: String) {
    if launcher.isEmpty { return try ChildProcess.run(pidtraceBinary(), arguments, timeout: timeout) }
    return try ChildProcess.run(launcher[0], Array(launcher.dropFirst()) + [pidtraceBinary()] + arguments, timeout: timeout)
}

/// Bad input and hostile conditions: one clear line and a distinct status, never a trap.
@Suite(.serialized, .requires(.root))
struct ErrorPathTests {
    let dir = NSTemporaryDirectory() + "pidtrace-errors-\(UUID().uuidString)/"

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    @Test func missingCapabilitiesAreNamed() throws {
        let output = dir + "nocaps.ndjson"
        let r = try runPidtrace(["-o", output, "--quiet", "--duration", "1"],
                                via: ["/usr/bin/setpriv", "--bounding-set=-bpf,-perfmon,-sys_admin"])
        #expect(r.status == 77)
        #expect(r.stderr.contains("CAP_BPF") && r.stderr.contains("CAP_PERFMON"))
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing written")
    }

    @Test func unknownPIDIsRefused() throws {
        let r = try runPidtrace(["--pid", "999999999", "--duration", "1"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("no process with PID 999999999"))
    }

    @Test func unwritableOutputIsRefused() throws {
        let r = try runPidtrace(["-o", dir + "missing-dir/x.ndjson", "--duration", "1"])
        #expect(r.status == 73)
        #expect(r.stderr.contains("cannot open"))
    }

    @Test func existingOutputIsNotClobbered() throws {
        let output = dir + "existing.ndjson"
        try "keep me\n".write(toFile: output, atomically: false, encoding: .utf8)
        let refused = try runPidtrace(["-o", output, "--quiet", "--duration", "0.2"])
        #expect(refused.status == 79)
        #expect(refused.stderr.contains("--append") && refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep me\n")

        let appended = try runPidtrace(["-o", output, "--append", "--quiet", "--duration", "0.2"])
        #expect(appended.status == 0)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "keep me" && lines.contains { $0.contains("\"event\":\"stop\"") })

        let replaced = try runPidtrace(["-o", output, "--force", "--quiet", "--duration", "0.2"])
        #expect(replaced.status == 0)
        #expect(try !String(contentsOfFile: output, encoding: .utf8).contains("keep me"))
    }

    @Test func outputFileIsPrivate() throws {
        let output = dir + "mode.ndjson"
        _ = try runPidtrace(["-o", output, "--quiet", "--duration", "0.2"])
        let attributes = try FileManager.default.attributesOfItem(atPath: output)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test(arguments: [
        ["--events", "fork,bogus"], ["--ring-size", "3"], ["--duration", "-1"], ["--max-args", "0"],
        ["--pid", "0"], ["--append"], ["--quiet"], ["--duration", "abc"], ["--log-level", "loud"],
        ["--signals", "some"], ["--zombie-after", "0"], ["--wait"], ["--container", ""],
        // The agent: a run ends at its PID 1's exit; its release frees the kernel filter's entry.
        ["agent", "--events", "fork,exec,exit"], ["agent", "--events", "exec,reap"],
    ])
    func badArgumentsAreUsageErrors(arguments: [String]) throws {
        let r = try runPidtrace(arguments)
        #expect(r.status == 64, "\(arguments): \(r.stderr)")
        #expect(r.stderr.contains("Error:") && r.stderr.contains("Usage:"))
    }

    @Test func logLevelControlsDiagnostics() throws {
        let output = dir + "log.ndjson"
        let info = try runPidtrace(["-o", output, "--quiet", "--duration", "0.3", "--log-level", "info"])
        #expect(info.stderr.contains("pidtrace: info: attached"))
        let quiet = try runPidtrace(["-o", output, "--force", "--quiet", "--duration", "0.3"])
        #expect(!quiet.stderr.contains("info:"))
    }

    @Test func closedPipeEndsQuietly() throws {
        // bash runs `"$0" --json | head -1` (pidtrace's path as $0), making events
        // until the pipeline ends so that pidtrace has a second line to fail on.
        let script = """
            set -o pipefail; "$0" --json | head -1 &
            while kill -0 $! 2>/dev/null; do /bin/true; sleep 0.05; done; wait $!
            """
        let r = try runPidtrace([], via: ["/bin/bash", "-c", script])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("\"event\":\"start\""))
        #expect(!r.stderr.contains("Fatal") && !r.stderr.contains("error"))
    }

    @Test func jsonToStdoutAndFileTogether() throws {
        let output = dir + "both.ndjson"
        let r = try runPidtrace(["--json", "-o", output, "--quiet", "--duration", "0.5"])
        #expect(r.status == 0)
        let fileLines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        let stdoutLines = r.stdout.split(separator: "\n")
        #expect(fileLines.first?.contains("\"event\":\"start\"") == true)
        #expect(fileLines.last?.contains("\"event\":\"stop\"") == true)
        #expect(stdoutLines.count == fileLines.count)
    }

    @Test func sigtermDrainsEverything() throws {
        let tracer = try TracerRun(["--events", "exec"])
        let s = uniqueSleep()
        // Execs right before the signal must still be in the file after it.
        let burst = try Workload("for i in 1 2 3 4 5 6 7 8 9 10; do /bin/echo \(s) >/dev/null; done")
        _ = try burst.wait()
        kill(tracer.process.processIdentifier, SIGTERM)
        try waitUntil(timeout: 10, "pidtrace to exit") { !tracer.process.isRunning }
        let records = tracer.records()
        #expect(tracer.process.terminationStatus == 0)
        #expect(records.filter { $0.strings("argv") == ["/bin/echo", s] }.count == 10)
        #expect(records.last?.event == "stop")
    }
}
