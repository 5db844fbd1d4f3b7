import Foundation
import Glibc
import Synchronization
import Testing
import PidtraceCore

/// Container resolution and `pidtrace ps` against the real dockerd.
@Suite(.serialized, .requires(.docker))
struct ContainerResolverTests {
    let socket = (try? DockerEndpoint.socketPath(flag: nil, environment: DockerEndpoint.processEnvironment()))
        ?? DockerEndpoint.defaultSocket

    @Test("a container resolves by name, /name, full ID and ID prefix to docker inspect's PID and /proc's pidns")
    func resolveThroughAPI() throws {
        let c = try DockerContainer(["sleep", "300"])
        defer { c.remove() }
        let hostPID = try c.hostPID()
        let resolver = ContainerResolver(socketPath: socket)
        for ref in [c.name, "/" + c.name, c.id, String(c.id.prefix(12)), String(c.id.prefix(5))] {
            let info = try resolver.resolve(ref)
            #expect(info.id == c.id, "\(ref)")
            #expect(info.name == c.name)
            #expect(info.hostPID == Int32(hostPID))
            #expect(info.running)
            #expect(info.pidnsInode == DockerFixture.pidNamespace(hostPID))
            #expect(info.startedAt == (try c.inspect("{{.State.StartedAt}}")))
            #expect(info.image == DockerFixture.image)
            #expect(info.source == .dockerAPI)
        }
        #expect(try resolver.runningContainers().contains { $0.id == c.id && $0.hostPID == Int32(hostPID) })
        #expect(try DockerAPI(socketPath: socket).version().apiVersion
            == (try DockerFixture.dockerOutput(["version", "--format", "{{.Server.APIVersion}}"])))
    }

    @Test("pidtrace ps --json lists PID 1, its children and docker exec processes with their NSpid")
    func psJSON() throws {
        let c = try DockerContainer(["sh", "-c", "sleep 301 & sleep 302 & wait"])
        defer { c.remove() }
        let hostPID = try c.hostPID()
        try DockerFixture.docker(["exec", "-d", c.id, "sleep", "303"])
        var records: [[String: Any]] = []
        try DockerFixture.waitFor("four processes in the container") {
            let run = try DockerFixture.pidtrace(["ps", "--container", c.name, "--json"])
            #expect(run.status == 0, "\(run.stderr)")
            records = try DockerFixture.records(run.stdout)
            return records.count >= 4
        }
        #expect(records.count == 4)
        for r in records {
            let pid = try #require(r["host_pid"] as? Int)
            #expect(r["container_id"] as? String == c.id)
            #expect(r["container_name"] as? String == c.name)
            #expect(DockerFixture.nsPIDs(pid) == [pid, r["ns_pid"] as? Int ?? -1], "NSpid of \(pid)")
            #expect(r["ns_pids"] as? [Int] == DockerFixture.nsPIDs(pid))
        }
        let init1 = try #require(records.first)
        #expect(init1["ns_pid"] as? Int == 1)
        #expect(init1["host_pid"] as? Int == hostPID)
        #expect(init1["ns_ppid"] as? Int == 0)
        #expect(init1["comm"] as? String == "sh")
        let sleeps = records.filter { ($0["argv"] as? [String])?.first == "sleep" }
        #expect(Set(sleeps.compactMap { ($0["argv"] as? [String])?.last }) == ["301", "302", "303"])
        for s in sleeps where (s["argv"] as? [String])?.last != "303" {
            #expect(s["ns_ppid"] as? Int == 1)
            #expect(s["host_ppid"] as? Int == hostPID)
        }
        // The exec'd process's parent is outside the container (the runtime's shim).
        let exec = try #require(sleeps.first { ($0["argv"] as? [String])?.last == "303" })
        #expect(exec["ns_ppid"] as? Int == 0)

        let table = try DockerFixture.pidtrace(["ps"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("CONTAINER"))
        #expect(table.stdout.contains("sleep 303"))
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix(c.name) && $0.contains(" \(hostPID) ") })
    }

    @Test("an unknown container exits 68 and names the running containers")
    func unknownName() throws {
        let c = try DockerContainer(["sleep", "300"])
        defer { c.remove() }
        let run = try DockerFixture.pidtrace(["ps", "--container", "no-such-container-\(UUID().uuidString.prefix(6))"])
        #expect(run.status == 68)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("pidtrace: error: no container 'no-such-container-"))
        #expect(run.stderr.contains(c.name))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test("a stopped container is not running (exit 75)")
    func stoppedContainer() throws {
        let c = try DockerContainer(["true"])
        defer { c.remove() }
        try DockerFixture.waitFor("the container to exit") { try c.inspect("{{.State.Running}}") == "false" }
        let run = try DockerFixture.pidtrace(["ps", "--container", c.name])
        #expect(run.status == 75)
        #expect(run.stderr.contains("is not running"))
        let info = try ContainerResolver(socketPath: socket).resolve(c.name, requireRunning: false)
        #expect(!info.running && info.hostPID == 0)
    }

    @Test("with the API socket hidden, an ID prefix resolves from /proc cgroups; a name gets a clear error")
    func cgroupFallback() throws {
        let c = try DockerContainer(["sh", "-c", "sleep 304 & wait"])
        defer { c.remove() }
        let hostPID = try c.hostPID()
        let hidden = "/nonexistent-\(UUID().uuidString.prefix(6))/docker.sock"
        let info = try ContainerResolver(socketPath: hidden).resolve(String(c.id.prefix(12)))
        #expect(info.id == c.id)
        #expect(info.hostPID == Int32(hostPID))
        #expect(info.pidnsInode == DockerFixture.pidNamespace(hostPID))
        #expect(info.source == .cgroupScan)
        #expect(info.name == nil)

        var records: [[String: Any]] = []
        try DockerFixture.waitFor("both processes") {
            let run = try DockerFixture.pidtrace(["ps", "--docker-host", "unix://" + hidden, "--container", String(c.id.prefix(10)), "--json"])
            #expect(run.status == 0, "\(run.stderr)")
            records = try DockerFixture.records(run.stdout)
            return records.count >= 2
        }
        #expect(records.first?["host_pid"] as? Int == hostPID)
        #expect(records.allSatisfy { $0["container_id"] as? String == c.id && $0["container_name"] == nil })
        #expect(records.allSatisfy { DockerFixture.nsPIDs($0["host_pid"] as? Int ?? 0) == [$0["host_pid"] as? Int ?? -1, $0["ns_pid"] as? Int ?? -1] })

        let byName = try DockerFixture.pidtrace(["ps", "--docker-host", "unix://" + hidden, "--container", c.name])
        #expect(byName.status == 69)
        #expect(byName.stderr.contains("names need the container runtime API"))
        #expect(byName.stderr.contains("no socket at \(hidden)"))

        let all = try DockerFixture.pidtrace(["ps", "--docker-host", "unix://" + hidden])
        #expect(all.status == 0)
        #expect(all.stdout.contains(String(c.id.prefix(12))))
    }

    @Test("an unprivileged user is told the API socket denies permission (exit 77)")
    func permissionDenied() throws {
        // A socket of its own that only root may use (the real one may be world-accessible,
        // which cannot show this): a fake daemon's, mode 0600 in a directory anyone may enter.
        let peer = try FakeDockerPeer { _, _ in false }
        #expect(chmod(peer.directory, 0o755) == 0 && chmod(peer.path, 0o600) == 0)
        let setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "util-linux's setpriv (make test-deps)")
        let run = try DockerFixture.pidtrace(["ps", "--docker-host", "unix://" + peer.path],
                                             via: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"])
        #expect(run.status == 77, "\(run.stderr)")
        #expect(run.stderr.contains("permission denied on the Docker API socket \(peer.path)"), "\(run.stderr)")
        #expect(peer.targets.withLock { $0.isEmpty }, "no request got through")
    }

    @Test("the events stream reports a restart; the new PID 1 is in a new PID namespace generation")
    func eventsAcrossRestart() throws {
        let c = try DockerContainer(["sleep", "300"])
        defer { c.remove() }
        let firstPID = try c.hostPID()
        let events = Mutex<[DockerEvent]>([])
        let api = DockerAPI(socketPath: socket)
        let stream = api.events(onEvent: { e in events.withLock { $0.append(e) } }, onEnd: { _ in })
        defer { stream.stop() }
        usleep(300_000) // the subscription is in place before the restart
        try DockerFixture.docker(["restart", "-t", "1", c.id])
        try DockerFixture.waitFor("die and start events") {
            let kinds = events.withLock { $0.filter { $0.id == c.id }.map(\.kind) }
            return kinds.contains("die") && kinds.contains("start")
        }
        let mine = events.withLock { $0.filter { $0.id == c.id } }
        #expect(mine.allSatisfy { $0.name == c.name })
        #expect(mine.firstIndex { $0.kind == "die" }! < mine.lastIndex { $0.kind == "start" }!)
        let info = try #require(try DockerAPIResolver(api: api).inspect(id: c.id))
        #expect(info.hostPID == Int32(try c.hostPID()))
        #expect(info.hostPID != Int32(firstPID))
        #expect(info.restartCount == 0 || info.restartCount == 1)
        #expect(info.pidnsInode == DockerFixture.pidNamespace(Int(info.hostPID)))
    }
}
