import Foundation
import Glibc
import Testing

/// Failed execs (`exec_failed`) recorded for real: the error the kernel returned, the
/// path and argv, and both PID views against the kernel's NSpid: line.
@Suite(.serialized, .requires(.root))
struct ExecFailedTests {
    /// A python3 in a new PID namespace that tries to exec `path` with `argv`, then sleeps
    /// (so its NSpid: can be read) until killed.
    private func tryExec(_ path: String, argv: [String]) throws -> Workload {
        let program = "import os, sys, time\ntry:\n    os.execv(sys.argv[1], sys.argv[2:])\nexcept OSError:\n    pass\ntime.sleep(60)\n"
        return try Workload("p=\"$1\"; shift; exec unshare --pid --fork --kill-child python3 -c \"$p\" \"$@\"",
                            arguments: [program, path] + argv)
    }

    @Test(arguments: [
        ("missing", 2, "ENOENT"),
        ("not-executable", 13, "EACCES"),
        ("no-shebang", 8, "ENOEXEC"),
        ("crlf-shebang", 2, "ENOENT"),
    ] as [(String, Int, String)])
    func failedExecInANewNamespace(kind: String, errno: Int, error: String) throws {
        let directory = NSTemporaryDirectory() + "pidtrace-execfail-\(uniqueSleep())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + kind
        switch kind {
        case "not-executable": try Self.writeFile("#!/bin/sh\nexit 0\n", to: path, mode: 0o644)
        case "no-shebang": try Self.writeFile("echo hello\n", to: path, mode: 0o755)
        case "crlf-shebang": try Self.writeFile("#!/bin/sh\r\necho hello\r\n", to: path, mode: 0o755)
        default: break
        }
        let marker = "marker-\(uniqueSleep())"
        let tracer = try TracerRun(["--events", "exec_failed,fork,exec,exit"])
        let workload = try tryExec(path, argv: [marker, "--port", "80"])
        let records = try tracer.waitFor("the failed exec of \(path)") { records in
            records.contains { $0.event == "exec_failed" && $0["filename"] as? String == path }
        }
        let failed = records.filter { $0.event == "exec_failed" && $0["filename"] as? String == path }
        #expect(failed.count == 1, "\(failed)")
        let r = try #require(failed.first)
        #expect(r.int("errno") == errno && r["error"] as? String == error, "\(r)")
        #expect(r["syscall"] as? String == "execve")
        #expect(r.strings("argv") == [marker, "--port", "80"])
        #expect(r["argv_truncated"] as? Bool == false)
        #expect(r["comm"] as? String == "python3")
        // The process goes on after its failed exec: its PIDs against the kernel's.
        let hostPID = try #require(r.int("host_pid"))
        let truth = try #require(Kernel.nsPIDs(hostPID), "the process is still alive")
        #expect(truth.count == 2 && truth.last == 1)
        #expect(r.ints("ns_pids") == truth)
        #expect(r.int("ns_pid") == 1 && r.int("ns_level") == 1 && r.int("ns_ppid") == 0)
        #expect(r.int("pidns") == Kernel.pidNamespace(hostPID))
        // Its fork is in the same file, with the same namespace.
        #expect(records.contains { $0.event == "fork" && $0.int("host_pid") == hostPID && $0.int("pidns") == r.int("pidns") })
        _ = workload
    }

    @Test func aSuccessfulExecIsNoFailure() throws {
        let s = uniqueSleep()
        let tracer = try TracerRun(["--events", "exec_failed,exec"])
        let workload = try Workload("exec unshare --pid --fork --kill-child /bin/sleep \(s)")
        let records = try tracer.waitFor("the exec of sleep") { records in
            records.contains { $0.event == "exec" && $0.strings("argv") == ["/bin/sleep", s] }
        }
        usleep(200_000)
        // (The shell's PATH search for unshare makes exec_failed records of its own.)
        #expect(!(tracer.records() + records).contains { $0.event == "exec_failed" && $0["filename"] as? String == "/bin/sleep" })
        _ = workload
    }

    @Test func onlyTheFilteredNamespaceUnderPid() throws {
        let marker = "marker-\(uniqueSleep())"
        // The namespace's init waits for the tracer, then a failed exec inside; one outside.
        let fifo = NSTemporaryDirectory() + "pidtrace-execfail-\(uniqueSleep()).fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let inside = try Workload("exec unshare --pid --fork --kill-child sh -c 'read go < \"$1\"; /nonexistent/inside-\(marker); sleep 60' sh \"$1\"",
                                  arguments: [fifo])
        var initPID: Int?
        try waitUntil(timeout: 10, "the namespace's init") {
            // The namespace's init, not unshare (whose argv holds the same script).
            initPID = Kernel.pids(withArgument: "read go < \"$1\"; /nonexistent/inside-\(marker); sleep 60")
                .first { Kernel.nsPIDs($0)?.count == 2 }
            return initPID != nil
        }
        let tracer = try TracerRun(["--pid", String(try #require(initPID)), "--events", "+exec_failed"])
        let outside = try Workload("/nonexistent/outside-\(marker); true")
        _ = try outside.wait()
        let writer = open(fifo, O_WRONLY)
        #expect(writer >= 0)
        _ = write(writer, "go\n", 3)
        close(writer)
        let records = try tracer.waitFor("the failed exec inside") { records in
            records.contains { $0.event == "exec_failed" && $0["filename"] as? String == "/nonexistent/inside-\(marker)" }
        }
        #expect(!records.contains { $0.event == "exec_failed" && ($0["filename"] as? String)?.hasSuffix("outside-\(marker)") == true })
        let start = try #require(records.first { $0.event == "start" })
        #expect((start["filters"] as? [String: Any])?["events"] as? [String] ?? [] == ["fork", "exec", "exit", "signal", "oom_kill", "reap", "exec_failed"])
        _ = inside
    }

    static func writeFile(_ text: String, to path: String, mode: mode_t) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw HarnessError("cannot write \(path)") }
        chmod(path, mode)
    }
}

/// Containers whose program cannot be exec'd: the record, the table and the story.
@Suite(.serialized, .requires(.docker))
struct ExecFailedContainerTests {
    /// pidtrace following `name` with --wait: NDJSON to a file, and a second one printing
    /// the table (its END line) to another file.
    private func trace(_ name: String) throws -> (TracerRun, table: Process, tablePath: String) {
        let tracer = try TracerRun(["--container", name, "--wait", "--events", "+exec_failed"])
        let tablePath = NSTemporaryDirectory() + "pidtrace-execfail-table-\(uniqueSleep()).txt"
        guard FileManager.default.createFile(atPath: tablePath, contents: nil) else { throw HarnessError("cannot create \(tablePath)") }
        let table = Process()
        table.executableURL = URL(fileURLWithPath: pidtraceBinary())
        table.arguments = ["--container", name, "--wait", "--events", "+exec_failed"]
        table.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: tablePath))
        table.standardError = FileHandle.nullDevice
        try table.run()
        try waitUntil(timeout: 10, "the table's header") {
            (try? String(contentsOfFile: tablePath, encoding: .utf8))?.hasPrefix("TIME") == true
        }
        return (tracer, table, tablePath)
    }

    private func stop(_ table: Process, _ path: String) throws -> String {
        kill(table.processIdentifier, SIGINT)
        try waitUntil(timeout: 15, "the table's pidtrace to exit") { !table.isRunning }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    private func summary(_ tracer: TracerRun) throws -> String {
        let r = try runPidtrace(["summary", tracer.outputPath])
        #expect(r.status == 0, "summary: \(r.stderr)")
        return r.stdout
    }

    @Test func scriptExecsAMissingBinary() throws {
        let name = "pidtrace-test-execfail-\(uniqueSleep())"
        let (tracer, table, tablePath) = try trace(name)
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        let run = try DockerFixture.docker(["run", "--name", name, DockerFixture.image, "sh", "-c", "exec /app/server --port 8080"])
        #expect(run.status == 127)
        let records = try tracer.waitFor("container_exit", timeout: 15) { $0.contains { $0.event == "container_exit" } }
        let failed = records.filter { $0.event == "exec_failed" }
        #expect(failed.count == 1, "\(failed)")
        let r = try #require(failed.first)
        #expect(r["filename"] as? String == "/app/server" && r["error"] as? String == "ENOENT" && r.int("errno") == 2)
        #expect(r.strings("argv") == ["/app/server", "--port", "8080"])
        #expect(r.int("ns_pid") == 1 && r["container_name"] as? String == name && r.int("container_generation") == 1)
        try tracer.stop()
        let text = try summary(tracer)
        #expect(text.contains("PID 1 (sh -c 'exec /app/server --port 8080') exited with code 127 (a shell's code for a command not found) "
            + "after its exec of /app/server failed: ENOENT (no such file or directory)."), "\(text)")
        let lines = try stop(table, tablePath)
        #expect(lines.contains(" exec!  ") && lines.contains("/app/server: ENOENT (no such file or directory), argv: /app/server --port 8080"),
                "\(lines)")
        #expect(lines.contains("after its exec of /app/server failed: ENOENT"), "the END line: \(lines)")
    }

    @Test func entrypointThatDoesNotExistNeverStarted() throws {
        let name = "pidtrace-test-execfail-\(uniqueSleep())"
        let (tracer, table, tablePath) = try trace(name)
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        let run = try DockerFixture.docker(["run", "--name", name, DockerFixture.image, "/app/server", "--port", "8080"])
        #expect(run.status == 127, "\(run.stderr)")
        #expect(try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Status}}", name]).hasPrefix("created"))
        // runc refused it before any execve: no failed exec to record, the runtime's error instead.
        let records = try tracer.waitFor("the runtime's error", timeout: 15) { records in
            records.contains { $0["action"] as? String == "start_failed" }
        }
        #expect(!records.contains { $0.event == "exec_failed" })
        usleep(300_000)
        try tracer.stop()
        let text = try summary(tracer)
        #expect(text.contains("The entrypoint never started: the runtime could not run /app/server: there is no file at that "
            + "path in the container. PID 1 (runc:[2:INIT], the runtime's init) exited with code 1 before any exec"), "\(text)")
        #expect(!text.contains("process left") && !text.contains("torn down") && !text.contains("by itself"), "\(text)")
        let lines = try stop(table, tablePath)
        #expect(lines.contains("The entrypoint never started"), "the END line: \(lines)")
        #expect(!lines.contains("process left"), "\(lines)")
    }

    @Test func entrypointWithACRLFShebangNeverStarted() throws {
        let name = "pidtrace-test-execfail-\(uniqueSleep())"
        let script = NSTemporaryDirectory() + "pidtrace-execfail-\(uniqueSleep()).sh"
        try ExecFailedTests.writeFile("#!/bin/sh\r\necho hello\r\n", to: script, mode: 0o755)
        defer { unlink(script) }
        let (tracer, table, tablePath) = try trace(name)
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        let run = try DockerFixture.docker(["run", "--name", name, "-v", "\(script):/app/start.sh", DockerFixture.image, "/app/start.sh"])
        #expect(run.status != 0)
        let records = try tracer.waitFor("container_exit", timeout: 15) { $0.contains { $0.event == "container_exit" } }
        let r = try #require(records.first { $0.event == "exec_failed" }, "\(records)")
        #expect(r["filename"] as? String == "/app/start.sh" && r["error"] as? String == "ENOENT" && r["comm"] as? String == "runc:[2:INIT]")
        usleep(300_000)
        try tracer.stop()
        let text = try summary(tracer)
        #expect(text.contains("The entrypoint never started: the exec of /app/start.sh by PID 1 (runc:[2:INIT], the runtime's init) "
            + "failed: ENOENT (no such file or directory), and it exited with code 1."), "\(text)")
        #expect(text.contains("CRLF") && !text.contains("process left"), "\(text)")
        let lines = try stop(table, tablePath)
        #expect(lines.contains("The entrypoint never started: the exec of /app/start.sh"), "the END line: \(lines)")
    }
}
