import Foundation
import Glibc
import Testing

/// Entrypoints that never start, for real (`docker run --name … local/busybox /app/server`,
/// the file bind-mounted): what Docker says (exit status, `State.Error`, its output), what
/// the trace records, and the story told of it.
/// - runc refuses a missing file, one without an execute bit, a directory, before any
///   execve: Docker sends no `start` or `die` and keeps runc's error in `State.Error`,
///   which pidtrace asks for (`start_failed`).
/// - the kernel refuses a binary for another architecture and a script without a `#!`
///   line (ENOEXEC) at runc's execve, after the start: Docker reports `start` and `die`
///   (exit 1), has no error, and runc writes `exec /app/server: exec format error` to the
///   container's output; with `--events +exec_failed` the failed exec is recorded.
@Suite(.serialized, .requires(.docker))
final class NeverStartedTests {
    let dir = NSTemporaryDirectory() + "pidtrace-never-\(UUID().uuidString.prefix(8))"

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// A copy of the host's static busybox whose ELF header says aarch64 (e_machine,
    /// bytes 18-19, 0xB7): the kernel here has no handler for it.
    private func foreignBinary() throws -> String {
        let path = dir + "/server-aarch64"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/bin/busybox")))
        try #require(bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) && bytes[18] == 0x3E, "/bin/busybox is an x86-64 ELF")
        bytes[18] = 0xB7
        bytes[19] = 0x00
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw HarnessError("cannot write \(path)") }
        chmod(path, 0o755)
        return path
    }

    /// Runs `local/busybox` with `options` and `command` under a trace with `events`,
    /// waits for what ends the story (`until`), and returns the trace stopped.
    private func run(_ name: String, options: [String] = [], _ command: [String], events: [String] = [],
                     until what: String, _ done: @escaping ([Record]) -> Bool) throws -> (TracerRun, status: Int32) {
        let tracer = try TracerRun(["--container", name, "--wait"] + events, table: true)
        let run = try DockerFixture.docker(["run", "--name", name] + options + [DockerFixture.image] + command)
        try tracer.waitFor(what, timeout: 15, done)
        usleep(300_000)
        try tracer.stop()
        return (tracer, run.status)
    }

    private func summary(_ tracer: TracerRun) throws -> String {
        let r = try runPidtrace(["summary", tracer.outputPath])
        #expect(r.status == 0, "summary: \(r.stderr)")
        return r.stdout
    }

    /// runc's check refuses the entrypoint: the story names the path, what runc's reason
    /// means, Docker's exit status, and quotes Docker's `State.Error`, in the summary and
    /// in the table's END row, from the default event kinds (no failed exec exists).
    @Test(arguments: [
        ("missing", 127, "there is no file at that path in the container"),
        ("not-executable", 126, "it is not a file runc can execute (no execute bit, a directory, or a filesystem mounted noexec)"),
        ("directory", 126, "it is not a file runc can execute (no execute bit, a directory, or a filesystem mounted noexec)"),
    ] as [(String, Int, String)])
    func refusedByRunc(kind: String, status: Int, explanation: String) throws {
        let name = "web-\(kind)-\(UUID().uuidString.prefix(6).lowercased())"
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        var options: [String] = []
        var path = "/app/server"
        switch kind {
        case "not-executable":
            let script = dir + "/start.sh"
            try ExecFailedTests.writeFile("#!/bin/sh\necho hello\n", to: script, mode: 0o644)
            options = ["-v", script + ":/app/server"]
        case "directory": path = "/bin"
        default: break
        }
        let (tracer, runStatus) = try run(name, options: options, [path, "--port", "8080"], until: "the runtime's error") { records in
            records.contains { $0.event == "runtime_event" && $0["action"] as? String == "start_failed" }
        }
        #expect(Int(runStatus) == status)
        // What Docker keeps, as a user would read it.
        let state = try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name])
        #expect(state == "created \(status)")
        let error = try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Error}}", name])
        #expect(error.contains("exec: \"\(path)\": "), "\(error)")
        let records = tracer.records()
        // The kernel saw runc's init exit without an exec; the runtime sent no start or die.
        #expect(!records.contains { $0.event == "exec" || $0.event == "exec_failed" })
        #expect(!records.contains { $0.event == "runtime_event" && ["start", "die"].contains($0["action"] as? String) })
        let failed = try #require(records.first { $0.event == "runtime_event" && $0["action"] as? String == "start_failed" })
        #expect(failed["error"] as? String == error && failed.int("exit_code") == status)
        #expect(failed["runtime_time"] == nil && failed.int("container_generation") == 1 && failed["runtime"] as? String == "docker")
        let text = try summary(tracer)
        let story = "The entrypoint never started: the runtime could not run \(path): \(explanation). PID 1 (runc:[2:INIT], "
            + "the runtime's init) exited with code 1 before any exec, and Docker reports exit \(explained(status))."
            + " The runtime said: “\(error)”."
        #expect(text.contains(story), "\(text)")
        let table = tracer.tableText()
        #expect(table.contains("the runtime: start failed (exit status \(status)): \(error)"), "\(table)")
        #expect(table.contains("ended: exit 1\n             ▸ " + story), "the END row, after the runtime's answer: \(table)")
    }

    /// The kernel refuses the file at runc's execve (ENOEXEC), after Docker started the
    /// container. Without `exec_failed`, the story says so and where the reason is (the
    /// container's output, which holds it); with it, the failed exec is named.
    @Test(arguments: ["aarch64-binary", "no-shebang"], [false, true])
    func refusedByTheKernel(kind: String, execFailed: Bool) throws {
        let name = "web-\(kind)-\(UUID().uuidString.prefix(6).lowercased())"
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        let file: String
        if kind == "no-shebang" {
            file = dir + "/no-shebang.sh"
            try ExecFailedTests.writeFile("echo hello\n", to: file, mode: 0o755)
        } else {
            file = try foreignBinary()
        }
        let (tracer, status) = try run(name, options: ["-v", file + ":/app/server"], ["/app/server", "--port", "8080"],
                                       events: execFailed ? ["--events", "+exec_failed"] : [], until: "the runtime's die") { records in
            records.contains { $0.event == "runtime_event" && $0["action"] as? String == "die" }
        }
        #expect(status == 1)
        #expect(try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} [{{.State.Error}}]", name])
            == "exited 1 []")
        let logs = try DockerFixture.docker(["logs", name])
        #expect(logs.stderr.contains("exec /app/server: exec format error"), "runc's words in its output: \(logs)")
        let records = tracer.records()
        #expect(!records.contains { $0.event == "exec" || $0["action"] as? String == "start_failed" })
        #expect(records.contains { $0.event == "runtime_event" && $0["action"] as? String == "start" })
        let text = try summary(tracer)
        let table = tracer.tableText()
        if execFailed {
            let r = try #require(records.first { $0.event == "exec_failed" }, "\(records)")
            #expect(r["filename"] as? String == "/app/server" && r["error"] as? String == "ENOEXEC" && r.int("errno") == 8)
            #expect(r.strings("argv") == ["/app/server", "--port", "8080"] && r["comm"] as? String == "runc:[2:INIT]")
            let story = "The entrypoint never started: the exec of /app/server by PID 1 (runc:[2:INIT], the runtime's init) "
                + "failed: ENOEXEC (exec format error), and it exited with code 1. The kernel cannot run that format: a binary "
                + "for another architecture, or a script without a `#!` line."
            #expect(text.contains(story), "\(text)")
            #expect(table.contains("▸ " + story), "\(table)")
        } else {
            #expect(!records.contains { $0.event == "exec_failed" })
            let story = "The entrypoint never started: PID 1 (runc:[2:INIT], the runtime's init) exited with code 1 without "
                + "exec'ing it, after the runtime had started the container."
            #expect(text.contains(story) && text.contains("(ENOEXEC)"), "\(text)")
            #expect(text.contains("fix: see the container's output (`docker logs \(name)`: runc writes `exec PATH: REASON` there)"),
                    "\(text)")
            #expect(!text.contains("127 or 126"), "\(text)")
            #expect(table.contains("▸ " + story), "\(table)")
        }
    }
}

/// "127 (a command was not found)", as the story explains an exit status.
private func explained(_ code: Int) -> String {
    switch code {
    case 126: "126 (a command was found but could not be executed)"
    case 127: "127 (a command was not found)"
    default: "\(code)"
    }
}
