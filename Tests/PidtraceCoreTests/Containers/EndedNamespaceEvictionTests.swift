import CPidtrace
import Foundation
import Glibc
import Testing
@testable import PidtraceCore

/// An ended generation's PID namespace is forgotten some seconds after its end (a long
/// trace stays flat), its late events dropped rather than taken for the host's; never
/// unwatched from user space (the kernel side drops it at its init's release).
@Suite("container tracker: an ended generation's namespace is forgotten, safely")
struct EndedNamespaceEvictionTests {
    static let first = String(repeating: "a", count: 64)
    static let second = String(repeating: "b", count: 64)
    let proc: ProcTree
    let inode: UInt32

    init() throws {
        proc = try ProcTree()
        try proc.write("ns-pid")
        inode = try #require(proc.inode("ns-pid"))
        for (pid, id) in [(500, Self.first), (600, Self.second)] {
            try proc.write("\(pid)/status", "Name:\tsh\nState:\tS (sleeping)\nPPid:\t490\nNSpid:\t\(pid)\t1\n")
            try proc.write("\(pid)/cgroup", "0::/docker/\(id)\n")
            try FileManager.default.createDirectory(atPath: proc.root + "/\(pid)/ns", withIntermediateDirectories: true)
            #expect(link(proc.root + "/ns-pid", proc.root + "/\(pid)/ns/pid") == 0)
        }
    }

    final class Filter: NamespaceFilter {
        var watched: [UInt32] = []
        var unwatched: [UInt32] = []
        var cgroupTails: [UInt32: String] = [:]
        func watch(pidNamespace inode: UInt32) throws(BPFError) { watched.append(inode) }
        func unwatch(pidNamespace inode: UInt32) { unwatched.append(inode) }
        func cgroupTail(ofNewPIDNamespace inode: UInt32) -> String? { cgroupTails[inode] }
        func isWatched(pidNamespace inode: UInt32) -> Bool { watched.contains(inode) }
    }

    final class Runtime: RuntimeQuestions {
        var asked: [String] = []
        func ask(about id: String) { asked.append(id) }
    }

    func event(_ kind: EventKind, pid: UInt32, atNs: UInt64, newNamespace: Bool = false) -> ProcessEvent {
        let flags = newNamespace ? PT_FLAG_NEW_PIDNS.rawValue | PT_FLAG_UNWATCHED.rawValue | PT_FLAG_WATCH_TENTATIVE.rawValue : 0
        return ProcessEvent(kind: kind, flags: flags, tsNs: atNs, startNs: atNs, cgroupID: UInt64(pid), hostPID: pid,
                            hostTID: pid, hostPPID: 490, nsTID: 1, nsPPID: 0, nsLevel: 1, pidns: inode, mntns: 1, uid: 0,
                            gid: 0, exitStatus: 0, comm: Comm("sh".utf8), nsPIDs: [pid, 1])
    }

    /// The first container's run, from its init's fork to its exit at 5 s.
    func endedRun() -> (ContainerTracker, Filter, Runtime) {
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        let filter = Filter(), runtime = Runtime()
        tracker.filter = filter
        tracker.runtime = runtime
        tracker.follow(id: Self.first, name: "web")
        for e in [event(.fork, pid: 500, atNs: 4_000_000_000, newNamespace: true), event(.exit, pid: 500, atNs: 5_000_000_000)] {
            _ = tracker.attribute(e) { _ in }
            tracker.finish(e) { _ in }
        }
        return (tracker, filter, runtime)
    }

    @Test func forgottenAfterItsEndAndLateEventsDropped() {
        let (tracker, filter, _) = endedRun()
        tracker.prune(readUpToNs: 5_000_000_000 + ContainerTracker.endedKeptNs - 1)
        #expect(filter.unwatched.isEmpty)
        tracker.prune(readUpToNs: 5_000_000_000 + ContainerTracker.endedKeptNs + 1)
        // Kept in the kernel: a new container there may have forked already.
        #expect(filter.unwatched.isEmpty)
        // A late event of that namespace, read after: not the host's.
        let late = event(.exit, pid: 501, atNs: 5_000_000_000 + ContainerTracker.endedKeptNs)
        #expect(tracker.attribute(late) { _ in } == .drop)
    }

    @Test func aNewContainerAskedAboutInTheReusedInodeStaysWatched() {
        let (tracker, filter, runtime) = endedRun()
        // Another container's init in the same (reused) inode: the runtime is asked who it is.
        #expect(tracker.attribute(event(.fork, pid: 600, atNs: 14_000_000_000, newNamespace: true)) { _ in } == .hold)
        #expect(runtime.asked == [Self.second])
        tracker.prune(readUpToNs: 5_000_000_000 + ContainerTracker.endedKeptNs + 1)
        #expect(filter.unwatched.isEmpty)
    }

    /// The kernel side watches a new namespace from its init's fork until the init is
    /// released; watched again by a claim read after that release (a container that
    /// exited at once), a dead namespace would stay in the filter for good.
    @Test func aClaimedNamespaceIsNotWatchedAgain() {
        let (_, filter, _) = endedRun()
        #expect(filter.watched.isEmpty)
    }

    /// A new namespace's init in an inode the kernel side still watches (a stale entry:
    /// an ended namespace's, reused) that names no container: not recorded as a
    /// namespace outside containers (CI saw another test's container in a trace's
    /// summary so), but dropped and unwatched; unless --pid/--pidns asked for such.
    @Test func aStaleWatchedInodeIsNotANamespaceOutsideContainers() throws {
        try proc.write("800/cgroup", "0::/user.slice\n")
        for keeps in [false, true] {
            let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
            let filter = Filter()
            tracker.filter = filter
            tracker.keepsNamespacesOutsideContainers = keeps
            tracker.follow(id: Self.first, name: "web")
            var fork = event(.fork, pid: 800, atNs: 4_000_000_000, newNamespace: true)
            fork.flags = PT_FLAG_NEW_PIDNS.rawValue // watched already: no UNWATCHED flag
            let decision = tracker.attribute(fork) { _ in }
            #expect(decision == (keeps ? .keep(nil) : .drop), "keeps: \(keeps)")
            #expect(filter.unwatched == (keeps ? [] : [inode]), "keeps: \(keeps)")
        }
    }

    /// An init gone before its fork is read (no /proc/PID/cgroup): its container is
    /// known from the cgroup names the kernel side kept at that fork.
    @Test func anInitGoneBeforeItsForkIsReadIsClaimedByItsCgroupNames() {
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        let filter = Filter()
        tracker.filter = filter
        tracker.follow(id: Self.first, name: "web")
        var started: [ContainerLifecycle] = []
        let gone = event(.fork, pid: 700, atNs: 4_000_000_000, newNamespace: true)
        #expect(tracker.attribute(gone) { _ in } == .drop) // nothing names it
        filter.cgroupTails[inode] = "system.slice/docker-\(Self.first).scope"
        let decision = tracker.attribute(gone) { if case let .containerStart(start) = $0 { started.append(start) } }
        #expect(decision != .drop)
        #expect(started.map(\.container.name) == ["web"])
        #expect(started.map(\.initHostPID) == [700])
    }
}
