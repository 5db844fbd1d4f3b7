import Foundation
import Testing
@testable import PidtraceCore

@Suite("Container resolution through the Docker API")
struct DockerAPIResolverTests {
    /// A fake /proc holding the recorded containers' PID 1s.
    func procWithRecordedContainers() -> FakeProc {
        let proc = FakeProc()
        proc.add(pid: 1, ppid: 0, nspid: [1], pidns: "host", comm: "init", argv: ["/sbin/init"])
        proc.add(pid: 8422, ppid: 8400, nspid: [8422, 1], pidns: "web", comm: "sleep", argv: ["sleep", "3000"])
        proc.add(pid: 8476, ppid: 8453, nspid: [8476, 1], pidns: "db", comm: "sleep", argv: ["sleep", "3000"])
        return proc
    }

    func resolver(_ peer: FakeUnixPeer, _ proc: FakeProc) -> ContainerResolver {
        ContainerResolver(socketPath: peer.path, proc: ProcReader(root: proc.root))
    }

    @Test("by name, by /name, by full ID and by unique prefix", arguments: [
        "fixture-web", "/fixture-web", Recorded.webID, "2e89c798", "2",
    ])
    func resolves(_ ref: String) throws {
        let peer = try Recorded.daemon()
        let proc = procWithRecordedContainers()
        let info = try resolver(peer, proc).resolve(ref)
        #expect(info == ContainerInfo(
            id: Recorded.webID, name: "fixture-web", hostPID: 8422, startedAt: "2026-11-29T04:43:51.672976074Z",
            running: true, pidnsInode: proc.inode("web"), restartCount: 0, image: "local/busybox", source: .dockerAPI))
        #expect(info.displayName == "fixture-web")
        #expect(info.shortID == "2e89c798c02c")
    }

    @Test("an unknown name lists the running containers' names (exit 68)")
    func unknown() throws {
        let peer = try Recorded.daemon()
        let error = ContainerError.unknownContainer("nope", running: ["fixture-db", "fixture-web"])
        #expect(throws: error) { try resolver(peer, procWithRecordedContainers()).resolve("nope") }
        #expect(error.exitStatus == .noHost)
        #expect(error.description == "no container 'nope'; running containers: fixture-db, fixture-web")
        #expect(ContainerError.unknownContainer("x", running: []).description.contains("no containers are running"))
    }

    @Test("an ambiguous prefix lists the matches (exit 65)")
    func ambiguous() throws {
        let list = try Fixture.text("docker/containers-all.json").replacingOccurrences(of: Recorded.dbID, with: "2e8a" + Recorded.dbID.dropFirst(4))
        let peer = try Recorded.daemon(extra: ["/v1.41/containers/json?all=1": (200, Array(list.utf8))])
        #expect {
            try resolver(peer, procWithRecordedContainers()).resolve("2e8")
        } throws: { error in
            guard let e = error as? ContainerError, case let .ambiguousPrefix(ref, matches) = e else { return false }
            return ref == "2e8" && matches == ["2e89c798c02c fixture-web", "2e8abdaa5ea2 fixture-db"] && e.exitStatus == .dataError
        }
        #expect(try resolver(peer, procWithRecordedContainers()).resolve("2e89").id == Recorded.webID)
    }

    @Test("a created or stopped container is not running (exit 75), unless asked for as is")
    func notRunning() throws {
        let peer = try Recorded.daemon()
        let r = resolver(peer, procWithRecordedContainers())
        #expect(throws: ContainerError.notRunning("fixture-stopped", id: Recorded.stoppedID)) {
            try r.resolve("fixture-stopped")
        }
        let info = try r.resolve("fixture-stopped", requireRunning: false)
        #expect(!info.running && info.hostPID == 0 && info.pidnsInode == nil)
        #expect(ContainerError.notRunning("x", id: Recorded.stoppedID).exitStatus == .temporaryFailure)
    }

    @Test("running containers come with their PID 1 and PID namespace")
    func running() throws {
        let peer = try Recorded.daemon()
        let proc = procWithRecordedContainers()
        let list = try resolver(peer, proc).runningContainers()
        #expect(list.map(\.name) == ["fixture-db", "fixture-web"])
        #expect(list.map(\.hostPID) == [8476, 8422])
        #expect(list.map(\.pidnsInode) == [proc.inode("db"), proc.inode("web")])
    }

    @Test("inspect(id:) reads the current state (after a start event)")
    func inspectByID() throws {
        let peer = try Recorded.daemon()
        let r = resolver(peer, procWithRecordedContainers())
        #expect(try r.api.inspect(id: Recorded.dbID)?.name == "fixture-db")
        #expect(try r.api.inspect(id: "0000") == nil)
    }

    @Test("permission denied on the socket is its own error (exit 77), without fallback")
    func permissionDenied() {
        let error = ContainerError.api(.permissionDenied(path: "/var/run/docker.sock"), socket: "/var/run/docker.sock")
        #expect(error.exitStatus == .noPermission)
        #expect(error.unreachableReason == nil)
        #expect(error.description.contains("permission denied on the Docker API socket /var/run/docker.sock"))
        #expect(ContainerError.api(.socketMissing(path: "/s"), socket: "/s").exitStatus == .unavailable)
        #expect(ContainerError.api(.malformedReply("x"), socket: "/s").unreachableReason == nil)
    }
}

@Suite("Container resolution by cgroup scan")
struct CgroupResolverTests {
    static let idA = String(repeating: "a1", count: 32)
    static let idB = String(repeating: "b2", count: 32)
    static let idC = String(repeating: "c3", count: 32)
    static let idD = String(repeating: "d4", count: 32)
    static let idE = String(repeating: "e5", count: 32)
    static let idA2 = "a1" + String(repeating: "f0", count: 31)

    @Test("the container ID in each runtime's cgroup path", arguments: [
        ("/docker/\(idA)", idA),
        ("/system.slice/docker-\(idA).scope", idA),
        ("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-\(idA).scope", idA),
        ("/kubepods/besteffort/pod0b2c/\(idA)", idA),
        ("/machine.slice/libpod-\(idA).scope/container", idA),
        ("/kubepods.slice/kubepods-pod1.slice/crio-\(idA).scope", idA),
        ("/docker/\(idA)/docker/\(idE)", idE),
        ("/machine.slice/libpod-conmon-\(idA).scope", nil),
        ("/user.slice/user-0.slice/session-1.scope", nil),
        ("/docker/\(idA.prefix(63))", nil),
        ("/", nil),
    ] as [(String, String?)])
    func pathFormats(_ path: String, _ id: String?) {
        #expect(CgroupResolver.containerID(inCgroupPath: Substring(path)) == id)
    }

    @Test("a recorded /proc/PID/cgroup of a docker container (cgroupfs driver, hybrid)")
    func recordedCgroupFile() throws {
        let text = try Fixture.text("proc-cgroup-docker-cgroupfs.txt")
        #expect(CgroupResolver.containerID(inCgroupFile: text) == Recorded.webID)
        #expect(CgroupResolver.containerID(inCgroupFile: "0::/init.scope\n") == nil)
        // v2 line wins over v1 lines.
        #expect(CgroupResolver.containerID(inCgroupFile: "3:cpu:/docker/\(Self.idB)\n0::/docker/\(Self.idA)\n") == Self.idA)
    }

    /// Host processes, four containers of different runtimes (A with a nested
    /// Docker-in-Docker container E), and a conmon monitor outside container C.
    static func fakeHost() -> FakeProc {
        let p = FakeProc()
        p.add(pid: 1, ppid: 0, nspid: [1], pidns: "host", comm: "init", argv: ["/sbin/init"], cgroup: "0::/init.scope\n")
        p.add(pid: 90, ppid: 1, nspid: [90], pidns: "host", comm: "containerd-shim", argv: ["containerd-shim"],
              cgroup: "0::/system.slice/containerd.service\n")
        p.add(pid: 100, ppid: 90, nspid: [100, 1], pidns: "A", comm: "sh", argv: ["sh", "-c", "sleep 1d & wait"],
              cgroup: "1:cpu:/docker/\(idA)\n0::/docker/\(idA)\n")
        p.add(pid: 101, ppid: 100, nspid: [101, 7], pidns: "A", comm: "dockerd", argv: ["dockerd"],
              cgroup: "1:cpu:/docker/\(idA)\n0::/docker/\(idA)\n")
        p.add(pid: 500, ppid: 101, nspid: [500, 12, 1], pidns: "E", comm: "sleep", argv: ["sleep", "300"],
              cgroup: "0::/docker/\(idA)/docker/\(idE)\n")
        p.add(pid: 501, ppid: 500, nspid: [501, 13, 2], pidns: "E", comm: "top", argv: ["top"],
              cgroup: "0::/docker/\(idA)/docker/\(idE)\n")
        p.add(pid: 200, ppid: 90, nspid: [200, 1], pidns: "B", comm: "pause", argv: ["/pause"],
              cgroup: "0::/kubepods.slice/cri-containerd-\(idB).scope\n")
        p.add(pid: 299, ppid: 1, nspid: [299], pidns: "host", comm: "conmon", argv: ["conmon"],
              cgroup: "0::/machine.slice/libpod-conmon-\(idC).scope\n")
        p.add(pid: 300, ppid: 299, nspid: [300, 1], pidns: "C", comm: "nginx", argv: ["nginx"],
              cgroup: "0::/machine.slice/libpod-\(idC).scope/container\n")
        p.add(pid: 400, ppid: 90, nspid: [400, 1], pidns: "D", comm: "redis", argv: ["redis-server"],
              cgroup: "0::/kubepods.slice/crio-\(idD).scope\n")
        p.add(pid: 450, ppid: 90, nspid: [450, 1], pidns: "A2", comm: "sleep", argv: ["sleep"],
              cgroup: "0::/docker/\(idA2)\n")
        return p
    }

    @Test("scan groups processes by container, the innermost ID winning")
    func scan() {
        let p = Self.fakeHost()
        let groups = CgroupResolver(proc: ProcReader(root: p.root)).scan()
        #expect(Set(groups.keys) == [Self.idA, Self.idB, Self.idC, Self.idD, Self.idE, Self.idA2])
        #expect(groups[Self.idA]?.sorted() == [100, 101])
        #expect(groups[Self.idE]?.sorted() == [500, 501])
        #expect(groups[Self.idC] == [300])
    }

    @Test("an ID or prefix resolves to the namespace init of the container's cgroup")
    func resolveByPrefix() throws {
        let p = Self.fakeHost()
        let r = CgroupResolver(proc: ProcReader(root: p.root))
        let a = try r.resolve("a1a1")
        #expect(a == ContainerInfo(id: Self.idA, name: nil, hostPID: 100, startedAt: nil, running: true,
                                   pidnsInode: p.inode("A"), source: .cgroupScan))
        #expect(try r.resolve(Self.idE).hostPID == 500)
        #expect(try r.resolve("C3C3").hostPID == 300)
        #expect(try r.resolve("b2").hostPID == 200)
        #expect(try r.resolve("d4").pidnsInode == p.inode("D"))
        #expect(try r.resolve("a1f0").id == Self.idA2)
    }

    @Test("ambiguous and unknown prefixes")
    func errors() {
        let p = Self.fakeHost()
        let r = CgroupResolver(proc: ProcReader(root: p.root))
        #expect(throws: ContainerError.ambiguousPrefix("a1", matches: ["a1a1a1a1a1a1", "a1f0f0f0f0f0"])) { try r.resolve("a1") }
        #expect {
            try r.resolve("ffff")
        } throws: { error in
            guard case let .unknownContainer(ref, running) = error as? ContainerError else { return false }
            return ref == "ffff" && running.count == 6 && running.contains("b2b2b2b2b2b2")
        }
    }

    @Test("without the API: IDs fall back to the cgroup scan, names get a clear error")
    func fallback() throws {
        let p = Self.fakeHost()
        let dir = TemporaryDirectory()
        let missing = dir.path + "/docker.sock"
        let r = ContainerResolver(socketPath: missing, proc: ProcReader(root: p.root))
        #expect(try r.resolve("b2b2").hostPID == 200)
        #expect {
            try r.resolve("web")
        } throws: { error in
            guard let e = error as? ContainerError, case .nameNeedsAPI("web", .socketMissing(missing), missing) = e else { return false }
            return e.exitStatus == .unavailable && e.description.contains("names need the container runtime API")
                && e.description.contains("container ID")
        }
        #expect(try r.runningContainers().count == 6)
    }

    @Test("API errors other than unreachable do not fall back")
    func noFallbackOnProtocolErrors() throws {
        let p = Self.fakeHost()
        let peer = try FakeUnixPeer.routes(["/v1.41/containers/json?all=1": (500, Array(#"{"message":"boom"}"#.utf8))])
        let r = ContainerResolver(socketPath: peer.path, proc: ProcReader(root: p.root))
        #expect(throws: ContainerError.apiStatus(500, message: "boom", socket: peer.path)) { try r.resolve("b2b2") }
    }
}
