import Foundation
import Glibc
import Testing

/// `pidtrace agent` on a real dockerd: every container's end is in the history, told as
/// `summary` tells it, across a `kill -9` of the agent.
@Suite(.serialized) struct AgentTests {
    static let memoryLimit = ["--memory", "16m", "--memory-swap", "16m"]

    /// The history as `pidtrace history --json` prints it.
    static func history(_ stateDir: String, _ extra: [String] = []) throws -> [Record] {
        let run = try DockerFixture.pidtrace(["history", "--state-dir", stateDir, "--json"] + extra)
        guard run.status == 0 else { throw HarnessError("pidtrace history: \(run.stderr)") }
        return try DockerFixture.records(run.stdout)
    }

    static func entries(_ all: [Record], of container: DockerContainer) -> [Record] {
        all.filter { $0["container_id"] as? String == container.id }
    }

    static func sqliteCheck(_ stateDir: String) throws -> String {
        let files = try FileManager.default.contentsOfDirectory(atPath: stateDir).filter { $0.hasSuffix(".db") }
        let db = try #require(files.first, "no database in \(stateDir): \(files)")
        let run = try DockerFixture.execute("/usr/bin/sqlite3", ["\(stateDir)/\(db)", "PRAGMA integrity_check"], timeout: 30)
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// --include-host: the host's own processes are recorded too, without a container.
    @Test func includeHostRecordsTheHostsProcesses() throws {
        let stateDir = NSTemporaryDirectory() + "pidtrace-agent-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let marker = "0.0\(getpid())"
        let agent = try TracerRun(["--state-dir", stateDir, "--metrics-address", "none", "--include-host"], agent: true)
        _ = try DockerFixture.execute("/bin/sleep", [marker], timeout: 10)
        let records = try agent.waitFor("the host's exec") { records in
            records.contains { $0.event == "exec" && $0.strings("argv") == ["/bin/sleep", marker] }
        }
        let exec = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["/bin/sleep", marker] })
        #expect(exec["container_id"] == nil && exec.int("ns_level") == 0)
        try agent.stop()
        // Stopped cleanly, the database is closed: the WAL written through, its files gone.
        let files = try FileManager.default.contentsOfDirectory(atPath: stateDir).sorted()
        #expect(files == ["heartbeat", "history.db", "lock"])
    }

    /// A node running Docker and Podman side by side: the agent follows both APIs, and
    /// each container's entry is named and labelled by its own runtime.
    @Test func dockerAndPodmanTogether() throws {
        let podman = try Podman.runtime()
        let stateDir = NSTemporaryDirectory() + "pidtrace-agent-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let agent = try TracerRun(["--state-dir", stateDir, "--metrics-address", "none",
                                   "--docker-host", "unix:///var/run/docker.sock",
                                   "--docker-host", podman.dockerHost], agent: true)
        let docker = try DockerContainer(["sh", "-c", "sleep 0.5; exit 3"])
        let name = "pagent-\(UUID().uuidString.prefix(8).lowercased())"
        let podmanID = try podman.output(["run", "-d", "--name", name, Podman.image, "sh", "-c", "sleep 0.5; exit 4"])
        defer { _ = try? podman.podman(["rm", "-f", "-t", "0", name]) }
        try DockerFixture.waitFor("both ends in the history", timeout: 30) {
            let all = try Self.history(stateDir)
            return !Self.entries(all, of: docker).isEmpty && all.contains { $0["container_id"] as? String == podmanID }
        }
        try agent.stop()
        let all = try Self.history(stateDir)
        let fromDocker = try #require(Self.entries(all, of: docker).first)
        #expect(fromDocker["runtime"] as? String == "docker" && fromDocker["container_name"] as? String == docker.name)
        #expect(fromDocker.int("exit_code") == 3, "\(fromDocker)")
        let fromPodman = try #require(all.first { $0["container_id"] as? String == podmanID })
        #expect(fromPodman["runtime"] as? String == "podman" && fromPodman["container_name"] as? String == name, "\(fromPodman)")
        #expect(fromPodman.int("exit_code") == 4, "\(fromPodman)")
    }

    /// 24 containers: one running before the agent, exits with codes, PID 1 ignoring
    /// SIGTERM, a crash loop, a child and a PID 1 OOM-killed, `docker rm -f`; the agent
    /// killed with SIGKILL halfway and started again on the same directory.
    @Test func everyEndIsInTheHistoryAcrossAKill9() throws {
        let stateDir = NSTemporaryDirectory() + "pidtrace-agent-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let ignoring = ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"]
        let before = try DockerContainer(ignoring)
        var agent = try TracerRun(["--state-dir", stateDir, "--metrics-address", "none"], agent: true)
        try agent.waitFor("the running container's snapshot") { records in
            records.contains { $0.event == "container_start" && $0["container_id"] as? String == before.id }
        }

        let exits = try (1...6).map { code in try DockerContainer(["sh", "-c", "sleep 0.2; exit \(code)"]) }
        let ignorer = try DockerContainer(ignoring)
        let loop = try DockerContainer(["sh", "-c", "sleep 0.3; exit 3"], options: ["--restart", "always"])
        let childOOM = try DockerContainer(["sh", "-c", "sleep 0.5; tail /dev/zero; exit 7"], options: Self.memoryLimit)
        let initOOM = try DockerContainer(["sh", "-c", "sleep 0.5; exec tail /dev/zero"], options: Self.memoryLimit)
        let removed = try DockerContainer(["sleep", "1000"])
        usleep(500_000)
        _ = try DockerFixture.dockerOutput(["stop", "-t", "1", ignorer.id])
        _ = try DockerFixture.dockerOutput(["stop", "-t", "1", before.id])
        _ = try DockerFixture.docker(["rm", "-f", removed.id])
        let firstPhase = exits + [ignorer, before, childOOM, initOOM, removed]
        try DockerFixture.waitFor("the first phase's ends in the history", timeout: 30) {
            let all = try Self.history(stateDir)
            return firstPhase.allSatisfy { !Self.entries(all, of: $0).isEmpty } && Self.entries(all, of: loop).count >= 2
        }

        // One agent per state directory: a second one is refused, the first goes on.
        let second = try DockerFixture.pidtrace(["agent", "--state-dir", stateDir, "--metrics-address", "none"])
        #expect(second.status == 75 && second.stderr.contains("holds \(stateDir): one agent per state directory"),
                "\(second.stderr)")
        #expect(agent.process.isRunning)
        // Host processes (this test's docker CLI, shells) are left out in the kernel.
        let hostRecords = agent.records().filter { ["fork", "exec", "exit"].contains($0.event) && $0["container_id"] == nil }
        #expect(hostRecords.isEmpty, "\(hostRecords.prefix(3))")

        // Killed mid-flight: the crash loop goes on while no agent runs.
        kill(agent.process.processIdentifier, SIGKILL)
        agent.process.waitUntilExit()
        #expect(try Self.sqliteCheck(stateDir) == "ok")
        let whileDown = try (1...8).map { _ in try DockerContainer(["sh", "-c", "sleep 0.3; exit 0"]) }
        usleep(1_500_000)
        agent = try TracerRun(["--state-dir", stateDir, "--metrics-address", "none"], agent: true)
        let after = try (1...4).map { code in try DockerContainer(["sh", "-c", "sleep 0.3; exit \(10 + code)"]) }
        try DockerFixture.waitFor("the second phase's ends in the history", timeout: 30) {
            let all = try Self.history(stateDir)
            return after.allSatisfy { !Self.entries(all, of: $0).isEmpty }
        }
        _ = try DockerFixture.docker(["rm", "-f", loop.id])
        usleep(3_000_000)
        try agent.stop()
        #expect(try Self.sqliteCheck(stateDir) == "ok")

        let all = try Self.history(stateDir)
        // Never an entry twice.
        let keys = all.map { "\($0["container_id"] as? String ?? "?")/\($0.int("container_generation") ?? -1)" }
        #expect(Set(keys).count == keys.count, "\(keys)")
        for (container, code) in zip(exits, 1...6) {
            let mine = Self.entries(all, of: container)
            #expect(mine.count == 1 && mine.first?.int("container_generation") == 1, "\(mine)")
            #expect(mine.first?["how"] as? String == "exit" && mine.first?.int("exit_code") == code, "\(mine)")
            #expect(mine.first?["cause"] as? String == "container", "\(mine)")
        }
        for container in [ignorer, before] {
            let entry = try #require(Self.entries(all, of: container).first)
            #expect(entry["how"] as? String == "SIGKILL" && entry["cause"] as? String == "runtime", "\(entry)")
            #expect(entry["sigterm_ignored"] as? Bool == true, "\(entry)")
            #expect((entry["headline"] as? String ?? "").contains("ignored SIGTERM from runc; SIGKILL from runc"), "\(entry)")
        }
        let childEntry = try #require(Self.entries(all, of: childOOM).first)
        #expect(childEntry["how"] as? String == "exit" && childEntry.int("exit_code") == 7, "\(childEntry)")
        let childKills = childEntry["oom_kills"] as? [Record] ?? []
        #expect(childKills.count == 1 && childKills.first?["is_init"] as? Bool == false, "\(childEntry)")
        let initEntry = try #require(Self.entries(all, of: initOOM).first)
        #expect(initEntry["cause"] as? String == "oom_killer" && initEntry["how"] as? String == "SIGKILL", "\(initEntry)")
        let removedEntry = try #require(Self.entries(all, of: removed).first)
        #expect(removedEntry["how"] as? String == "SIGKILL" && removedEntry["cause"] as? String == "runtime", "\(removedEntry)")
        for container in after {
            #expect(Self.entries(all, of: container).count == 1)
            // Part of its identity: its init's start, the same instant as the fork that began it.
            let entry = Self.entries(all, of: container).first
            #expect(entry?.int("init_start_ns") != nil && entry?.int("init_start_ns") == entry?.int("start_ts_ns"), "\(String(describing: entry))")
        }
        // The crash loop, numbered on across the restart: 1, 2, 3, ... with gaps only
        // where a run ended while no agent ran.
        let loopEntries = Self.entries(all, of: loop)
        let loopGenerations = loopEntries.compactMap { $0.int("container_generation") }
        #expect(loopGenerations == loopGenerations.sorted() && loopGenerations.first == 1, "\(loopGenerations)")
        #expect(loopGenerations.count >= 4, "\(loopGenerations)")
        // Runs that ended while no agent ran: one entry not observed, numbered by the
        // restart policy's count, which its headline states.
        let missed = loopEntries.filter { $0["observed"] as? Bool == false }
        #expect(missed.count == 1, "\(loopEntries)")
        for (earlier, later) in zip(loopEntries, loopEntries.dropFirst()) {
            let step = (later.int("container_generation") ?? 0) - (earlier.int("container_generation") ?? 0)
            let headline = later["headline"] as? String ?? ""
            if later["observed"] as? Bool == false && step > 1 {
                #expect(headline.contains("restart count says \(step) runs ended meanwhile"), "\(headline)")
            } else {
                #expect(step == 1, "\(loopGenerations)")
            }
        }

        // `why` tells what `summary` tells: the stop of the SIGTERM-ignoring PID 1.
        let why = try DockerFixture.pidtrace(["why", ignorer.name, "--state-dir", stateDir])
        #expect(why.status == 0, "\(why.stderr)")
        #expect(why.stdout.contains("ignored SIGTERM from host PID") && why.stdout.contains("SIGKILL"), "\(why.stdout)")
        let unknown = try DockerFixture.pidtrace(["why", "no-such-container-\(UUID().uuidString.prefix(6))", "--state-dir", stateDir])
        // Which 20 it lists depends on what else ended on this host meanwhile (other suites').
        #expect(unknown.status == 68 && unknown.stderr.contains("; it knows: "), "\(unknown.stderr)")
        _ = whileDown
    }

    /// Without CAP_SYS_PTRACE the containers running at the agent's start cannot be
    /// followed (their init's /proc/PID/ns/pid is unreadable): the agent used to run on,
    /// silently blind to them; it refuses, as `--pod` does, with status 77.
    @Test func withoutCAPSYSPTRACEItRefusesToStart() throws {
        let running = try DockerContainer(["sleep", "600"])
        let stateDir = NSTemporaryDirectory() + "pidtrace-agent-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let launcher = DaemonSetCapabilityTests.launcher(["bpf", "perfmon"])
        let r = try DockerFixture.pidtrace(["agent", "--state-dir", stateDir, "--metrics-address", "none"], via: launcher)
        #expect(r.status == 77, "\(r.stderr)")
        #expect(r.stderr == "pidtrace agent: error: the agent needs CAP_SYS_PTRACE to read the PID namespace of each "
                + "container's init (/proc/PID/ns/pid)\n", "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stateDir), "refused before its state directory was made")
        _ = running
    }
}
