import CPidtrace
import Foundation
import Glibc
import Testing
@testable import PidtraceCore

/// A run whose init exits without exec'ing anything (runc refused the entrypoint before
/// its execve) is a question to the runtime (`RuntimeQuestions.whyNotStarted`); a run
/// whose init exec'd, or one found running (what it ran before is not known), is not.
/// On a hand-written /proc: the init's cgroup names the followed container.
@Suite("container tracker: a run whose init never exec'd is told")
struct EndedBeforeExecTests {
    static let id = String(repeating: "c", count: 64)
    let proc: ProcTree
    let inode: UInt32

    init() throws {
        proc = try ProcTree()
        try proc.write("ns-pid")
        inode = try #require(proc.inode("ns-pid"))
        try proc.write("500/status", "Name:\trunc:[2:INIT]\nState:\tS (sleeping)\nPPid:\t490\nNSpid:\t500\t1\n")
        try proc.write("500/cgroup", "0::/docker/\(Self.id)\n")
        try FileManager.default.createDirectory(atPath: proc.root + "/500/ns", withIntermediateDirectories: true)
        #expect(link(proc.root + "/ns-pid", proc.root + "/500/ns/pid") == 0)
    }

    /// The init's fork (a new PID namespace the kernel side watches from then on), exit or exec.
    func event(_ kind: EventKind, flags: UInt32 = 0) -> ProcessEvent {
        ProcessEvent(kind: kind, flags: flags, tsNs: 5_000_000_000, startNs: 4_000_000_000, cgroupID: 44, hostPID: 500,
                     hostTID: 500, hostPPID: 490, nsTID: 1, nsPPID: 0, nsLevel: 1, pidns: inode, mntns: 1, uid: 0, gid: 0,
                     exitStatus: 1 << 8, comm: Comm("runc:[2:INIT]".utf8), nsPIDs: [500, 1])
    }

    /// The runtime's side: which runs it was asked about.
    final class Runtime: RuntimeQuestions {
        var asked: [(ContainerAttribution, UInt32)] = []
        func ask(about id: String) {}
        func whyNotStarted(_ run: ContainerAttribution, initHostPID: UInt32) { asked.append((run, initHostPID)) }
    }

    /// Follows the container, feeds `events` after its init's fork; returns what was asked.
    func told(after events: [ProcessEvent]) -> [(ContainerAttribution, UInt32)] {
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        let runtime = Runtime()
        tracker.runtime = runtime
        tracker.follow(id: Self.id, name: "web-miss")
        let fork = event(.fork, flags: PT_FLAG_NEW_PIDNS.rawValue | PT_FLAG_UNWATCHED.rawValue | PT_FLAG_WATCH_TENTATIVE.rawValue)
        guard case .keep(_?) = tracker.attribute(fork, emit: { _ in }) else {
            Issue.record("the init's fork was not claimed")
            return []
        }
        for e in events {
            _ = tracker.attribute(e) { _ in }
            tracker.finish(e) { _ in }
        }
        return runtime.asked
    }

    @Test("runc's init exits without an exec: told, with the run and its init")
    func endedBeforeExec() {
        let told = told(after: [event(.exit)])
        #expect(told.count == 1)
        #expect(told.first?.0.id == Self.id && told.first?.0.name == "web-miss" && told.first?.0.generation == 1)
        #expect(told.first?.1 == 500)
    }

    @Test("the init exec'd the entrypoint, then exited: not told")
    func execedThenExited() {
        #expect(told(after: [event(.exec), event(.exit)]).isEmpty)
    }

    @Test("a run found running: what its init ran is not known, not told")
    func foundRunning() throws {
        try proc.write("500/comm", "sleep\n")
        let tracker = ContainerTracker(proc: ProcReader(root: proc.root))
        let runtime = Runtime()
        tracker.runtime = runtime
        tracker.follow(ContainerInfo(id: Self.id, name: "web", hostPID: 500, startedAt: nil, running: true,
                                     pidnsInode: inode, source: .dockerAPI), tsNs: 1) { _ in }
        var ended = false
        tracker.finish(event(.exit)) { if case .containerExit = $0 { ended = true } }
        #expect(ended && runtime.asked.isEmpty)
    }
}
