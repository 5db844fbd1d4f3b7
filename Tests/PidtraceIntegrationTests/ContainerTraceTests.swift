import Foundation
import Glibc
import Testing

/// `pidtrace --container` against a real dockerd: PIDs against /proc and
/// `docker inspect`, restarts, `docker exec`, snapshots, the cgroup fallback.
@Suite(.serialized, .requires(.docker))
struct ContainerTraceTests {
    /// A shell as PID 1 that ignores SIGTERM and keeps making children.
    static let busyInit = ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]

    @Test func followsOneContainerWithBothPIDViews() throws {
        let web = try DockerContainer(["sleep", "3000"])
        let other = try DockerContainer(["sleep", "3000"])
        let tracer = try TracerRun(["--container", web.name])
        let inside = uniqueSleep(), outside = uniqueSleep()
        try DockerFixture.docker(["exec", "-d", other.name, "sleep", outside])
        try DockerFixture.docker(["exec", "-d", web.name, "sleep", inside])
        let records = try tracer.waitFor("the exec inside the container") { records in
            records.contains { $0.event == "exec" && $0.strings("argv") == ["sleep", inside] }
        }
        let exec = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["sleep", inside] })
        let hostPID = try #require(exec.int("host_pid"))
        let truth = try #require(Kernel.nsPIDs(hostPID))
        #expect(exec.ints("ns_pids") == truth)
        #expect(exec.int("ns_pid") == truth.last && exec.int("ns_pid") != hostPID)
        #expect(exec["container_name"] as? String == web.name)
        #expect(exec["container_id"] as? String == web.id)
        #expect(exec.int("container_generation") == 1)
        #expect(exec["runtime"] as? String == "docker")

        let initPID = try web.hostPID()
        let start = try #require(records.first { $0.event == "container_start" })
        #expect(start.int("host_pid") == initPID && start.int("container_generation") == 1)
        let initSnapshot = try #require(records.first { $0.event == "snapshot" && $0.int("ns_pid") == 1 })
        #expect(initSnapshot.int("host_pid") == initPID)
        #expect(initSnapshot.ints("ns_pids") == Kernel.nsPIDs(initPID))

        usleep(300_000)
        let all = try tracer.stop()
        let otherNamespace = Kernel.pidNamespace(try other.hostPID())
        #expect(!all.contains { $0.strings("argv") == ["sleep", outside] })
        #expect(!all.contains { $0.int("pidns") == otherNamespace })
        #expect(all.filter { ["fork", "exec", "exit", "snapshot"].contains($0.event) }
            .allSatisfy { $0["container_id"] as? String == web.id })
    }

    @Test func snapshotListsProcessesAlreadyRunning() throws {
        let s = uniqueSleep()
        let web = try DockerContainer(["sh", "-c", "sleep \(s) & sleep \(s) & exec sleep \(s)"])
        try DockerFixture.waitFor("three sleeps") { Kernel.pids(withArgument: s).count == 3 }
        let tracer = try TracerRun(["--container", web.name])
        let snapshots = try tracer.waitFor("snapshots") { $0.filter { $0.event == "snapshot" }.count == 3 }
            .filter { $0.event == "snapshot" }
        for snap in snapshots {
            let hostPID = try #require(snap.int("host_pid"))
            #expect(snap.ints("ns_pids") == Kernel.nsPIDs(hostPID))
            #expect(snap.strings("argv") == ["sleep", s])
        }
        #expect(Set(snapshots.compactMap { $0.int("ns_pid") }).contains(1))
        #expect(snapshots.filter { $0.int("ns_pid") != 1 }.allSatisfy { $0.int("ns_ppid") == 1 })
    }

    @Test func followsThreeRestartsInARow() throws {
        let web = try DockerContainer(Self.busyInit)
        let tracer = try TracerRun(["--container", web.name, "--events", "exec,exit"])
        var initPIDs = [try web.hostPID()]
        for generation in 2...4 {
            try DockerFixture.docker(["restart", "-t", "1", web.name])
            let pid = try web.hostPID()
            initPIDs.append(pid)
            try tracer.waitFor("generation \(generation)", timeout: 15) { records in
                records.contains { $0.event == "exec" && $0.int("host_pid") == pid && $0.int("ns_pid") == 1 }
            }
        }
        let records = try tracer.stop()
        let starts = records.filter { $0.event == "container_start" }
        #expect(starts.compactMap { $0.int("container_generation") } == [1, 2, 3, 4])
        #expect(starts.compactMap { $0.int("host_pid") } == initPIDs)
        let exits = records.filter { $0.event == "container_exit" }
        #expect(exits.compactMap { $0.int("container_generation") } == [1, 2, 3])
        for (generation, pid) in initPIDs.enumerated().dropFirst() {
            let execs = records.filter { $0.event == "exec" && $0.int("host_pid") == pid }
            #expect(execs.first?.strings("argv") == Self.busyInit, "PID 1's exec in generation \(generation + 1)")
            #expect(execs.allSatisfy { $0.int("container_generation") == generation + 1 && $0.int("ns_pid") == 1 }, "\(execs)")
        }
    }

    @Test func followsRestartPolicyAfterPID1IsKilled() throws {
        let web = try DockerContainer(Self.busyInit, options: ["--restart=always"])
        let tracer = try TracerRun(["--container", web.name])
        let firstPID = try web.hostPID()
        kill(pid_t(firstPID), SIGKILL)
        var secondPID = 0
        try DockerFixture.waitFor("the restart", timeout: 20) {
            secondPID = (try? web.hostPID()) ?? 0
            return secondPID != 0 && secondPID != firstPID
        }
        let records = try tracer.waitFor("generation 2's exec", timeout: 15) { records in
            records.contains { $0.event == "exec" && $0.int("host_pid") == secondPID && $0.int("ns_pid") == 1 }
        }
        let exit = try #require(records.first { $0.event == "container_exit" })
        #expect(exit.int("host_pid") == firstPID && exit["signal_name"] as? String == "SIGKILL")
        let start = try #require(records.last { $0.event == "container_start" })
        #expect(start.int("host_pid") == secondPID && start.int("container_generation") == 2)
        #expect(start.int("pidns") == Int(DockerFixture.pidNamespace(secondPID) ?? 0))
    }

    @Test func cgroupFallbackWithoutTheAPI() throws {
        let web = try DockerContainer(["sleep", "3000"])
        let tracer = try TracerRun(["--container", String(web.id.prefix(12)),
                                    "--docker-host", "unix:///nonexistent/docker.sock"])
        let s = uniqueSleep()
        try DockerFixture.docker(["exec", "-d", web.name, "sleep", s])
        let records = try tracer.waitFor("the exec") { $0.contains { $0.strings("argv") == ["sleep", s] } }
        let exec = try #require(records.first { $0.strings("argv") == ["sleep", s] })
        #expect(exec["container_id"] as? String == web.id)
        #expect(exec.ints("ns_pids") == Kernel.nsPIDs(exec.int("host_pid") ?? 0))
        #expect(records.first { $0.event == "container_start" }?.int("host_pid") == (try web.hostPID()))
    }

    @Test func waitsForAContainerThatIsNotRunningYet() throws {
        let name = "pidtrace-test-wait-\(uniqueSleep())"
        _ = try DockerFixture.dockerOutput(["create", "--name", name, DockerFixture.image] + Self.busyInit)
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        let refused = try runPidtrace(["--container", name, "--duration", "1"])
        #expect(refused.status == 75 && refused.stderr.contains("not running"))
        let tracer = try TracerRun(["--container", name, "--wait"])
        try DockerFixture.docker(["start", name])
        let pid = Int(try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Pid}}", name])) ?? 0
        let records = try tracer.waitFor("PID 1's exec", timeout: 15) { records in
            records.contains { $0.event == "exec" && $0.int("host_pid") == pid && $0.int("ns_pid") == 1 }
        }
        let start = try #require(records.first { $0.event == "container_start" })
        #expect(start.int("host_pid") == pid && start.int("container_generation") == 1)
    }

    @Test func waitsForAContainerThatDoesNotExistYet() throws {
        let name = "pidtrace-test-new-\(uniqueSleep())"
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        let tracer = try TracerRun(["--container", name, "--wait"])
        try DockerFixture.docker(["run", "-d", "--name", name, DockerFixture.image] + Self.busyInit)
        let pid = Int(try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Pid}}", name])) ?? 0
        let records = try tracer.waitFor("PID 1's exec", timeout: 15) { records in
            records.contains { $0.event == "exec" && $0.int("host_pid") == pid && $0.strings("argv") == Self.busyInit }
        }
        #expect(records.first { $0.event == "container_start" }?.int("host_pid") == pid)
        #expect(records.first { $0.event == "container_start" }?["container_name"] as? String == name)
    }

    @Test func unknownContainerListsTheRunningOnes() throws {
        let web = try DockerContainer(["sleep", "3000"])
        let r = try runPidtrace(["--container", "no-such-container-\(uniqueSleep())", "--duration", "1"])
        #expect(r.status == 68)
        #expect(r.stderr.contains(web.name))
        #expect(r.stderr.contains("(to trace a container that does not exist yet, add --wait)"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
