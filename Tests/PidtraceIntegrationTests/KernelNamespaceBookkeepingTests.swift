import Foundation
import Glibc
import PidtraceCore
import Testing

/// What the kernel side keeps per PID namespace while following containers: an
/// ended namespace leaves the filter by itself (a node agent stays flat over any
/// number of container runs), and a new namespace's cgroup names outlive its init
/// (a container that exits before its fork record is read is still named).
@Suite(.serialized, .requires(.root))
struct KernelNamespaceBookkeepingTests {
    static func followingTracer() throws -> BPFTracer {
        var config = TracerConfig()
        config.filtered = true
        config.watchNewPIDNamespaces = true
        let tracer = try BPFTracer(config: config)
        try tracer.attach()
        return tracer
    }

    /// Runs a short-lived PID namespace whose init prints its namespace's inode.
    static func shortNamespace(in cgroup: String? = nil) throws -> UInt32 {
        let join = cgroup.map { "echo $$ > \($0)/cgroup.procs && " } ?? ""
        let r = try ChildProcess.run("/bin/sh", ["-c",
            "\(join)exec unshare --pid --fork sh -c 'sleep 0.05 & readlink /proc/self/ns/pid'"], timeout: 30)
        let text = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard r.status == 0, text.hasPrefix("pid:["), let inode = UInt32(text.dropFirst(5).dropLast()) else {
            throw HarnessError("unshare: status \(r.status), \(r.stdout) \(r.stderr)")
        }
        return inode
    }

    @Test func anEndedNamespaceLeavesTheFilter() throws {
        let tracer = try Self.followingTracer()
        let before = tracer.watchedNamespaceCount()
        var inodes: Set<UInt32> = []
        for _ in 0..<40 { inodes.insert(try Self.shortNamespace()) }
        #expect(inodes.count >= 2, "new namespaces: \(inodes)")
        // Released (reaped) by unshare before it returned; the free comes after an RCU grace period.
        try? waitUntil(timeout: 5, "ended namespaces out of the filter") { tracer.watchedNamespaceCount() <= before + 3 }
        // Other tests' containers may start meanwhile: a few, not one per ended run.
        #expect(tracer.watchedNamespaceCount() <= before + 3, "before: \(before), 40 namespaces ended")
    }

    @Test func aNewNamespacesCgroupIsKeptPastItsInit() throws {
        let id = String(repeating: "c0ffee", count: 11).prefix(64)
        // The v2 hierarchy (/sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1's): the
        // cgroup the kernel side reads.
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        guard let v2 = mounts.split(separator: "\n").map({ $0.split(separator: " ") }).first(where: { $0.count > 2 && $0[2] == "cgroup2" }) else {
            Issue.record("needs a cgroup v2 hierarchy mounted")
            return
        }
        let parent = "\(v2[1])/pidtrace-test-\(getpid())"
        let cgroup = parent + "/docker-\(id).scope"
        guard mkdir(parent, 0o755) == 0 || errno == EEXIST, mkdir(cgroup, 0o755) == 0 || errno == EEXIST else {
            Issue.record("cannot make a cgroup under \(v2[1]): \(String(cString: strerror(errno)))")
            return
        }
        defer {
            rmdir(cgroup)
            rmdir(parent)
        }
        let tracer = try Self.followingTracer()
        let inode = try Self.shortNamespace(in: cgroup)
        // The init is gone and released; its names are still there.
        let tail = try #require(tracer.cgroupTail(ofNewPIDNamespace: inode))
        #expect(tail == "pidtrace-test-\(getpid())/docker-\(id).scope")
        #expect(CgroupResolver.containerID(inCgroupPath: Substring(tail)) == String(id))
    }
}
