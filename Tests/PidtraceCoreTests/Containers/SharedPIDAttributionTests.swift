import Foundation
import Glibc
import Testing
@testable import PidtraceCore

/// A PID namespace shared by a pod's containers (Podman `pod create --share pid`,
/// Kubernetes `shareProcessNamespace`), on a hand-written /proc: each process belongs
/// to the container of its own cgroup; a container's init is its own first process
/// (not the namespace's PID 1), and its start and exit name the same init.
@Suite("shared PID namespace: attribution by cgroup, the container's own init")
struct SharedPIDAttributionTests {
    static let infra = String(repeating: "1", count: 64)
    static let a = String(repeating: "a", count: 64)
    static let b = String(repeating: "b", count: 64)
    /// cgroup v2 IDs of the three containers' cgroups.
    static let cgroups: [String: UInt64] = [infra: 10, a: 20, b: 30]

    /// catatonit (PID 1, infra), container A's init (ns PID 6) and child, B's init (ns PID 14).
    let proc: ProcTree
    let inode: UInt32

    init() throws {
        proc = try ProcTree()
        try proc.write("ns-pid")
        inode = try #require(proc.inode("ns-pid"))
        for (pid, nsPID, ppid, id) in [(100, 1, 90, Self.infra), (200, 6, 190, Self.a), (201, 7, 200, Self.a),
                                       (300, 14, 290, Self.b)] {
            try proc.write("\(pid)/status", "Name:\tsh\nState:\tS (sleeping)\nPPid:\t\(ppid)\nNSpid:\t\(pid)\t\(nsPID)\n")
            try proc.write("\(pid)/cgroup", "0::/libpod_parent/pod/libpod-\(id)\n")
            try proc.write("\(pid)/comm", "sh\n")
            try FileManager.default.createDirectory(atPath: proc.root + "/\(pid)/ns", withIntermediateDirectories: true)
            #expect(link(proc.root + "/ns-pid", proc.root + "/\(pid)/ns/pid") == 0)
        }
    }

    func event(_ kind: EventKind, pid: UInt32, nsPID: UInt32, ppid: UInt32, nsPPID: UInt32, cgroup: String,
               exitStatus: UInt32 = 0) -> ProcessEvent {
        ProcessEvent(kind: kind, flags: 0, tsNs: 5_000_000_000, startNs: 4_000_000_000, cgroupID: Self.cgroups[cgroup]!,
                     hostPID: pid, hostTID: pid, hostPPID: ppid, nsTID: nsPID, nsPPID: nsPPID, nsLevel: 1,
                     pidns: inode, mntns: 1, uid: 0, gid: 0, exitStatus: exitStatus, comm: Comm("sh".utf8),
                     nsPIDs: [pid, nsPID])
    }

    func info(_ id: String, pid: Int32) -> ContainerInfo {
        ContainerInfo(id: id, name: id == Self.a ? "a" : "b", hostPID: pid, startedAt: nil, running: true,
                      pidnsInode: inode, source: .dockerAPI)
    }

    @Test("a container found running: its init and its own processes, not PID 1's or the other container's")
    func followedRunning() throws {
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        var records: [TraceRecord] = []
        tracker.follow(info(Self.a, pid: 200), tsNs: 1) { records.append($0) }
        guard case let .containerStart(start)? = records.first else { Issue.record("no container_start"); return }
        #expect(start.initHostPID == 200 && start.initNSPID == 6)
        let snapshots = records.compactMap { r -> Int32? in
            if case let .snapshot(s) = r { return s.process.hostPID } else { return nil }
        }
        #expect(snapshots == [200, 201])

        func decision(_ e: ProcessEvent) -> ContainerTracker.Decision { tracker.attribute(e) { records.append($0) } }
        #expect(decision(event(.exec, pid: 201, nsPID: 7, ppid: 200, nsPPID: 6, cgroup: Self.a)) == .keep(start.container))
        // The namespace's PID 1 (the pod's infra) and a container not followed are not A's.
        #expect(decision(event(.signal, pid: 100, nsPID: 1, ppid: 90, nsPPID: 0, cgroup: Self.infra)) == .drop)
        #expect(decision(event(.exec, pid: 300, nsPID: 14, ppid: 290, nsPPID: 0, cgroup: Self.b)) == .drop)
        // An orphan of A adopted by PID 1 is still A's.
        #expect(decision(event(.exit, pid: 201, nsPID: 7, ppid: 100, nsPPID: 1, cgroup: Self.a)) == .keep(start.container))

        records.removeAll()
        // PID 1's exit is not A's end; A's init's exit is, with the same PIDs as its start.
        tracker.finish(event(.exit, pid: 100, nsPID: 1, ppid: 90, nsPPID: 0, cgroup: Self.infra)) { records.append($0) }
        #expect(records.isEmpty)
        tracker.finish(event(.exit, pid: 200, nsPID: 6, ppid: 190, nsPPID: 0, cgroup: Self.a)) { records.append($0) }
        guard case let .containerExit(exit)? = records.first else { Issue.record("no container_exit"); return }
        #expect(exit.initHostPID == 200 && exit.initNSPID == 6 && exit.container == start.container)
    }

    @Test("a container started into the namespace: its first process entering from outside is its init")
    func joinedAtItsFork() throws {
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        var records: [TraceRecord] = []
        tracker.follow(info(Self.a, pid: 200), tsNs: 1) { records.append($0) }
        tracker.follow(id: Self.b, name: "b")
        records.removeAll()
        let fork = event(.fork, pid: 300, nsPID: 14, ppid: 290, nsPPID: 0, cgroup: Self.b)
        guard case let .keep(b?) = tracker.attribute(fork, emit: { records.append($0) }) else {
            Issue.record("B's init not kept"); return
        }
        #expect(b.id == Self.b && b.generation == 1)
        guard case let .containerStart(start)? = records.first else { Issue.record("no container_start"); return }
        #expect(start.initHostPID == 300 && start.initNSPID == 14 && start.container == b)
        // Its children are B's; A's processes stay A's.
        let child = event(.fork, pid: 301, nsPID: 15, ppid: 300, nsPPID: 14, cgroup: Self.b)
        #expect(tracker.attribute(child) { records.append($0) } == .keep(b))
        #expect(records.count == 1) // no second container_start
        let aChild = event(.fork, pid: 202, nsPID: 8, ppid: 200, nsPPID: 6, cgroup: Self.a)
        guard case let .keep(aAttribution?) = tracker.attribute(aChild, emit: { records.append($0) }) else {
            Issue.record("A's child not kept"); return
        }
        #expect(aAttribution.id == Self.a)
        // The runtime's word on B, later, does not start a second generation.
        tracker.follow(info(Self.b, pid: 300), tsNs: 2) { records.append($0) }
        #expect(records.count == 1)
    }

    @Test("cgroup v1 alone (every task's v2 cgroup is the root): each namespace's processes stay its container's")
    func cgroupV1Only() throws {
        let tree = try ProcTree()
        var inodes: [String: UInt32] = [:]
        for (pid, id) in [(500, Self.a), (600, Self.b)] {
            try tree.write("ns-\(pid)")
            inodes[id] = try #require(tree.inode("ns-\(pid)"))
            try tree.write("\(pid)/status", "Name:\tsh\nState:\tS (sleeping)\nPPid:\t1\nNSpid:\t\(pid)\t1\n")
            try tree.write("\(pid)/cgroup", "4:memory:/docker/\(id)\n0::/\n")
            try tree.write("\(pid)/comm", "sh\n")
            try FileManager.default.createDirectory(atPath: tree.root + "/\(pid)/ns", withIntermediateDirectories: true)
            #expect(link(tree.root + "/ns-\(pid)", tree.root + "/\(pid)/ns/pid") == 0)
        }
        let tracker = ContainerTracker(proc: ProcReader(root: tree.root))
        var attributions: [String: ContainerAttribution] = [:]
        for (pid, id) in [(500, Self.a), (600, Self.b)] {
            let info = ContainerInfo(id: id, name: id == Self.a ? "a" : "b", hostPID: Int32(pid), startedAt: nil,
                                     running: true, pidnsInode: inodes[id], source: .dockerAPI)
            tracker.follow(info, tsNs: 1) { if case let .containerStart(c) = $0 { attributions[id] = c.container } }
        }
        for (pid, id) in [(500, Self.a), (600, Self.b)] {
            // The same (root) cgroup_id for both: it must not tie one container's processes to the other.
            let e = ProcessEvent(kind: .exec, flags: 0, tsNs: 5, startNs: 4, cgroupID: 1, hostPID: UInt32(pid),
                                 hostTID: UInt32(pid), hostPPID: 1, nsTID: 1, nsPPID: 0, nsLevel: 1, pidns: inodes[id]!,
                                 mntns: 1, uid: 0, gid: 0, exitStatus: 0, comm: Comm("sh".utf8), nsPIDs: [UInt32(pid), 1])
            #expect(tracker.attribute(e) { _ in } == .keep(attributions[id]))
        }
    }
}
