import Foundation
import Glibc
import Testing

/// Why a container's PID 1 ended: exit codes, signals with their senders, the OOM
/// killer, and children that PID 1 never reaped. Real dockerd, real kernel.
@Suite(.serialized, .requires(.docker))
struct ForensicsTests {
    static let ignoresTERM = ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]

    @Test func pid1ExitCode() throws {
        let web = try DockerContainer(["sh", "-c", "sleep 1; exit 3"], started: false)
        let tracer = try TracerRun(["--container", web.name, "--wait"])
        try web.start()
        let records = try tracer.waitFor("container_exit", timeout: 15) { $0.contains { $0.event == "container_exit" } }
        let end = try #require(records.first { $0.event == "container_exit" })
        #expect(end.int("exit_code") == 3 && end["signal"] == nil)
        #expect(end.int("host_pid") == records.first { $0.event == "container_start" }?.int("host_pid"))
        try tracer.stop()
        let summary = try runPidtrace(["summary", tracer.outputPath])
        #expect(summary.status == 0)
        #expect(summary.stdout.contains("ended: exit 3"), "\(summary.stdout)")
        #expect(!summary.stdout.contains("ended: killed"))
    }

    @Test func killFromTheHostNamesTheSender() throws {
        let web = try DockerContainer(Self.ignoresTERM)
        let tracer = try TracerRun(["--container", web.name])
        let pid1 = try web.hostPID()
        let killer = try Workload("exec kill -KILL \(pid1)")
        _ = try killer.wait()
        let records = try tracer.waitFor("the SIGKILL", timeout: 10) { records in
            records.contains { $0.event == "signal" && $0["signal_name"] as? String == "SIGKILL" }
        }
        let signal = try #require(records.first { $0.event == "signal" && $0["signal_name"] as? String == "SIGKILL" })
        #expect(signal.int("host_pid") == pid1 && signal.int("ns_pid") == 1)
        let sender = try #require(signal["sender"] as? [String: Any])
        #expect(sender.int("host_pid") == Int(killer.pid))
        #expect(sender["comm"] as? String == "kill")
        #expect(sender["ns_pid"] == nil, "the sender lives outside the container")
        #expect(signal["result"] as? String == "delivered")
        try tracer.waitFor("container_exit") { $0.contains { $0.event == "container_exit" } }
        try tracer.stop()
        let summary = try runPidtrace(["summary", tracer.outputPath])
        #expect(summary.stdout.contains("ended: killed by SIGKILL from host PID \(killer.pid) (kill)"), "\(summary.stdout)")
    }

    @Test func dockerKillIsSentByTheRuntime() throws {
        let web = try DockerContainer(Self.ignoresTERM)
        let tracer = try TracerRun(["--container", web.name])
        try DockerFixture.docker(["kill", "-s", "KILL", web.name])
        let records = try tracer.waitFor("the SIGKILL", timeout: 10) { records in
            records.contains { $0.event == "signal" && $0["signal_name"] as? String == "SIGKILL" }
        }
        let signal = try #require(records.first { $0.event == "signal" && $0["signal_name"] as? String == "SIGKILL" })
        let sender = try #require(signal["sender"] as? [String: Any])
        let comm = try #require(sender["comm"] as? String)
        #expect(["containerd-shim", "runc", "dockerd", "containerd"].contains { comm.hasPrefix($0) }, "sender \(comm)")
        #expect((sender.int("host_pid") ?? 0) > 0)
    }

    @Test func dockerStopOnAnInitIgnoringTERM() throws {
        let web = try DockerContainer(Self.ignoresTERM)
        let tracer = try TracerRun(["--container", web.name])
        try DockerFixture.docker(["stop", "-t", "1", web.name])
        let records = try tracer.waitFor("container_exit", timeout: 15) { $0.contains { $0.event == "container_exit" } }
        let toPID1 = records.filter { $0.event == "signal" && $0.int("ns_pid") == 1 }
            .compactMap { $0["signal_name"] as? String }.filter { $0 != "SIGCHLD" }
        #expect(toPID1 == ["SIGTERM", "SIGKILL"])
        let end = try #require(records.first { $0.event == "container_exit" })
        #expect(end["signal_name"] as? String == "SIGKILL")
    }

    @Test func oomKillIsRecorded() throws {
        let web = try DockerContainer(["sh", "-c", "sleep 1; tail /dev/zero"],
                                      options: ["--memory", "16m", "--memory-swap", "16m"], started: false)
        let tracer = try TracerRun(["--container", web.name, "--wait"], table: true)
        try web.start()
        let records = try tracer.waitFor("container_exit", timeout: 20) { $0.contains { $0.event == "container_exit" } }
        guard try web.inspect("{{.State.OOMKilled}}") == "true" else {
            Issue.record("the kernel here did not OOM-kill a container over its 16 MiB limit")
            return
        }
        let oom = try #require(records.first { $0.event == "oom_kill" })
        #expect(oom.int("ns_pid") == 1 && oom["comm"] as? String == "tail")
        #expect((oom.int("memcg_id") ?? 0) > 0)
        #expect(records.first { $0.event == "container_exit" }?["signal_name"] as? String == "SIGKILL")
        // The table's row of it keeps every column under its header.
        try tracer.stop()
        let lines = tracer.tableText().split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        let row = try #require(lines.first { $0.contains("chosen by the OOM killer") }, "\(lines)")
        func end(_ column: String) throws -> Int { try #require(header.range(of: column)).upperBound.utf16Offset(in: header) }
        #expect(row.prefix(try end("HOST-PID")).hasSuffix(" \(oom.int("host_pid") ?? 0)"), "\(header)\n\(row)")
        #expect(row.prefix(try end("PIDNS")).hasSuffix(" \(oom.int("pidns") ?? 0)"), "\(header)\n\(row)")
        #expect(row.dropFirst(try end("DETAIL") - "DETAIL".count).hasPrefix("chosen by the OOM killer"), "\(header)\n\(row)")
    }

    /// A PID 1 with threads (three idle, the main one allocating): the OOM killer's kill
    /// is one process's, and the story says it once, with no process left behind.
    @Test func oomKillOfAMultiThreadedPID1() throws {
        let dir = NSTemporaryDirectory() + "pidtrace-hog-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let program = """
            #include <pthread.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            static void *idle(void *arg) { (void)arg; for (;;) pause(); return NULL; }
            int main(void) {
                pthread_t t;
                for (int i = 0; i < 3; i++) pthread_create(&t, NULL, idle, NULL);
                sleep(1);
                for (;;) { char *p = malloc(1 << 20); if (p) memset(p, 1, 1 << 20); }
            }
            """
        try program.write(toFile: dir + "/hog.c", atomically: true, encoding: .utf8)
        let cc = try ChildProcess.run("/usr/bin/cc", ["-static", "-O1", "-pthread", "-o", dir + "/hog", dir + "/hog.c"], timeout: 60)
        try #require(cc.status == 0, "cc: \(cc.stderr)")
        let web = try DockerContainer([], options: ["--memory", "16m", "--memory-swap", "16m", "-v", "\(dir):/x:ro",
                                                    "--entrypoint", "/x/hog"], started: false)
        let tracer = try TracerRun(["--container", web.name, "--wait", "--threads"])
        try web.start()
        let records = try tracer.waitFor("container_exit", timeout: 20) { $0.contains { $0.event == "container_exit" } }
        try #require(try web.inspect("{{.State.OOMKilled}}") == "true", "the kernel did not OOM-kill it over 16 MiB")
        #expect(records.filter { $0.event == "fork" && ($0["thread"] as? Bool) == true && $0["comm"] as? String == "hog" }.count == 3,
                "three threads of hog (runc's own are not its)")
        usleep(300_000)
        try tracer.stop()
        let text = try runPidtrace(["summary", tracer.outputPath]).stdout
        #expect(text.contains("ended: killed by the OOM killer"), "\(text)")
        #expect(text.components(separatedBy: "    OOM kill: ").count - 1 == 1, "one OOM kill per process: \(text)")
        #expect(text.components(separatedBy: "was killed by the OOM killer").count - 1 == 1, "\(text)")
        #expect(!text.contains("left in its namespace") && !text.contains("ignored"), "\(text)")
    }

    /// `(sleep 0.2 &)` orphans a sleep: it is re-parented to PID 1, which must reap it.
    static let orphanMaker = ["sh", "-c", "sleep 1; (sleep 0.2 &); exec sleep 300"]

    @Test func pid1ThatNeverWaitsLeavesAZombie() throws {
        let web = try DockerContainer(Self.orphanMaker, started: false)
        let tracer = try TracerRun(["--container", web.name, "--zombie-after", "1", "--wait"])
        try web.start()
        let records = try tracer.waitFor("a zombie record", timeout: 10) { $0.contains { $0.event == "zombie" } }
        let zombie = try #require(records.first { $0.event == "zombie" })
        #expect(zombie["comm"] as? String == "sleep")
        #expect((zombie.int("zombie_ns") ?? 0) >= 1_000_000_000)
        let hostPID = try #require(zombie.int("host_pid"))
        let state = try String(contentsOfFile: "/proc/\(hostPID)/stat", encoding: .utf8)
        #expect(state.contains(") Z "), "the kernel agrees it is a zombie")
        #expect(!records.contains { $0.event == "reap" && $0.int("host_pid") == hostPID })
        try tracer.stop()
        let summary = try runPidtrace(["summary", tracer.outputPath])
        #expect(summary.stdout.contains("zombies never reaped: host \(hostPID)/"), "\(summary.stdout)")
    }

    @Test func reapingInitReapsOrphansQuickly() throws {
        let web = try DockerContainer(Self.orphanMaker, options: ["--init"], started: false)
        let tracer = try TracerRun(["--container", web.name, "--zombie-after", "1", "--wait"])
        try web.start()
        let records = try tracer.waitFor("the orphan's reap", timeout: 10) { records in
            records.contains { $0.event == "reap" && $0["reparented_to_ns_init"] as? Bool == true }
        }
        let reap = try #require(records.first { $0.event == "reap" && $0["reparented_to_ns_init"] as? Bool == true })
        let reaper = try #require(reap["reaper"] as? [String: Any])
        #expect(reaper.int("ns_pid") == 1)
        #expect((reap.int("zombie_ns") ?? .max) < 500_000_000, "reaped within half a second")
        usleep(1_200_000)
        #expect(!tracer.records().contains { $0.event == "zombie" })
        try tracer.stop()
        let summary = try runPidtrace(["summary", tracer.outputPath])
        #expect(summary.stdout.contains("zombies never reaped: none"), "\(summary.stdout)")
    }

    @Test func liveSummaryOnStandardError() throws {
        let web = try DockerContainer(["sh", "-c", "sleep 0.5; exit 3"], started: false)
        let tracer = try TracerRun(["--container", web.name, "--wait", "--summary"])
        try web.start()
        try tracer.waitFor("container_exit", timeout: 15) { $0.contains { $0.event == "container_exit" } }
        try tracer.stop()
        #expect(tracer.process.terminationStatus == 0)
        let stderr = tracer.stderrText()
        #expect(stderr.contains("container \(web.name)") && stderr.contains("ended: exit 3"), "\(stderr)")
    }
}
