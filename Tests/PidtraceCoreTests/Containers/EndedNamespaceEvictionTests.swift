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
    let proc = FakeProc()
    let inode: UInt32

    init() {
        for (pid, id) in [(Int32(500), Self.first), (600, Self.second)] {
            proc.add(pid: pid, ppid: 490, nspid: [UInt32(pid), 1], pidns: "ns", comm: "sh", argv: ["sh"],
                     cgroup: "0::/docker/\(id)\n")
        }
        inode = proc.inode("ns")
    }

    final class Filter: NamespaceFilter {
        var watched: [UInt32] = []
        var unwatched: [UInt32] = []
        /// Each unwatch with the init it was for.
        var unwatchedFor: [UInt32] = []
        /// By the init's host PID and start.
        var cgroupTails: [String: String] = [:]
        func watch(pidNamespace inode: UInt32, initHostPID: UInt32) throws(BPFError) { watched.append(inode) }
        func unwatch(pidNamespace inode: UInt32, initHostPID: UInt32) {
            unwatched.append(inode)
            unwatchedFor.append(initHostPID)
        }
        func cgroupTail(ofNamespaceInit hostPID: UInt32, startNs: UInt64) -> String? { cgroupTails["\(hostPID)@\(startNs)"] }
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

    /// CI's container soak under other tests' containers: a container that exited at once
    /// (init 600, not followed) was being asked about when the inode was reused by the
    /// followed container's next run (init 500). That run's fork waits behind the
    /// question, so the other's drop comes first and unwatches the inode for its own
    /// init only; then the run is claimed (it lost all its events before).
    @Test func aNewNamespaceInAnInodeStillAskedAboutWaitsItsTurn() {
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        let filter = Filter(), runtime = Runtime()
        tracker.filter = filter
        tracker.runtime = runtime
        tracker.follow(id: Self.first, name: "web")
        var other = event(.fork, pid: 600, atNs: 4_000_000_000, newNamespace: true)
        other.flags = PT_FLAG_NEW_PIDNS.rawValue | PT_FLAG_UNWATCHED.rawValue // the map was full: no tentative watch
        #expect(tracker.attribute(other) { _ in } == .hold)
        #expect(runtime.asked == [Self.second])
        let run = event(.fork, pid: 500, atNs: 4_500_000_000, newNamespace: true)
        #expect(tracker.attribute(run) { _ in } == .hold, "behind the question about the inode's previous namespace")
        #expect(tracker.settle(id: Self.second, name: nil) == [inode])
        #expect(tracker.attribute(other) { _ in } == .drop)
        var started: [UInt32] = []
        #expect(tracker.attribute(run) { if case let .containerStart(s) = $0 { started.append(s.initHostPID) } } != .drop)
        #expect(started == [500])
        #expect(filter.unwatchedFor == [600], "only the other namespace's entry")
    }

    /// A container not followed yet (stopped when the agent began) is started: its init's
    /// fork waits for the runtime's answer, and the runtime's `start` (inspected first)
    /// must not start the run from /proc as well (a second start, PID 1's argv twice).
    @Test func aStartWhoseForkWaitsForTheAnswerIsOneRun() {
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        let filter = Filter(), runtime = Runtime()
        tracker.filter = filter
        tracker.runtime = runtime
        let fork = event(.fork, pid: 500, atNs: 4_000_000_000, newNamespace: true)
        #expect(tracker.attribute(fork) { _ in } == .hold)
        var records: [TraceRecord] = []
        let info = ContainerInfo(id: Self.first, name: "web", hostPID: 500, startedAt: nil, running: true,
                                 pidnsInode: inode, source: .dockerAPI)
        tracker.follow(info, tsNs: 4_100_000_000, processes: []) { records.append($0) }
        #expect(records.isEmpty, "\(records)")
        #expect(tracker.settle(id: Self.first, name: "web") == [inode])
        _ = tracker.attribute(fork) { records.append($0) }
        let starts = records.compactMap { record -> ContainerLifecycle? in
            if case let .containerStart(s) = record { return s } else { return nil }
        }
        #expect(starts.map(\.initHostPID) == [500] && starts.first?.tsNs == 4_000_000_000)
    }

    /// A new namespace's init in an inode the kernel side still watches (a stale entry:
    /// an ended namespace's, reused) that names no container: not recorded as a
    /// namespace outside containers (CI saw another test's container in a trace's
    /// summary so), but dropped and unwatched; unless --pid/--pidns asked for such.
    @Test func aStaleWatchedInodeIsNotANamespaceOutsideContainers() throws {
        proc.add(pid: 800, ppid: 490, nspid: [800, 1], pidns: "ns", comm: "sh", argv: ["sh"], cgroup: "0::/user.slice\n")
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
        // Another init's, forked into the same (reused) inode: not this one's.
        filter.cgroupTails["701@4000000000"] = "system.slice/docker-\(Self.first).scope"
        #expect(tracker.attribute(gone) { _ in } == .drop)
        filter.cgroupTails["700@4000000000"] = "system.slice/docker-\(Self.first).scope"
        let decision = tracker.attribute(gone) { if case let .containerStart(start) = $0 { started.append(start) } }
        #expect(decision != .drop)
        #expect(started.map(\.container.name) == ["web"])
        #expect(started.map(\.initHostPID) == [700])
    }
}
