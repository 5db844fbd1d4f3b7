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

    /// Runs a short-lived PID namespace whose init prints its host PID (NSpid's first).
    static func shortNamespace(in cgroup: String? = nil) throws -> UInt32 {
        let join = cgroup.map { "echo $$ > \($0)/cgroup.procs && " } ?? ""
        let r = try ChildProcess.run("/bin/sh", ["-c",
            "\(join)exec unshare --pid --fork sh -c 'sleep 0.05 & exec grep NSpid: /proc/self/status'"], timeout: 30)
        let fields = r.stdout.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard r.status == 0, fields.count == 3, fields[2] == "1", let hostPID = UInt32(fields[1]) else {
            throw HarnessError("unshare: status \(r.status), \(r.stdout) \(r.stderr)")
        }
        return hostPID
    }

    @Test func anEndedNamespaceLeavesTheFilter() throws {
        let tracer = try Self.followingTracer()
        let before = tracer.watchedNamespaceCount()
        for _ in 0..<40 { _ = try Self.shortNamespace() }
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
        let initPID = try Self.shortNamespace(in: cgroup)
        // The init is gone and released; its names are still there, with its start.
        let kept = try #require(tracer.initCgroup(hostPID: initPID))
        let tail = kept.tail
        #expect(tail == "pidtrace-test-\(getpid())/docker-\(id).scope")
        #expect(kept.startNs > 0 && kept.startNs <= BootClock.nowBootNs())
        #expect(tracer.cgroupTail(ofNamespaceInit: initPID, startNs: kept.startNs) == tail)
        #expect(tracer.cgroupTail(ofNamespaceInit: initPID, startNs: kept.startNs + 1) == nil, "a reused PID is another process")
        #expect(CgroupResolver.containerID(inCgroupPath: Substring(tail)) == String(id))
    }
}
