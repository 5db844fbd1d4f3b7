import Glibc
import Testing
@testable import PidtraceCore

@Suite("ZombieTracker")
struct ZombieTrackerTests {
    static let exited = ProcessRecord(event: .sample(.exit))

    @Test func overdueZombieIsReportedOnce() {
        let tracker = ZombieTracker(zombieAfterNs: 1_000_000_000)
        tracker.stillZombie = { _ in true }
        tracker.observe(Self.exited)
        #expect(tracker.overdue(nowNs: 2_500_000_000).isEmpty, "0.5 s is not overdue")
        let zombies = tracker.overdue(nowNs: 3_500_000_000)
        #expect(zombies.map(\.exit.event.hostPID) == [4242] && zombies.first?.zombieNs == 1_500_000_000)
        #expect(tracker.overdue(nowNs: 9_000_000_000).isEmpty, "once")
    }

    @Test func reapedButNotYetReleasedIsNoZombie() {
        let tracker = ZombieTracker(zombieAfterNs: 1_000_000_000)
        tracker.stillZombie = { _ in false } // /proc says it is gone: the release is late
        tracker.observe(Self.exited)
        #expect(tracker.overdue(nowNs: 9_000_000_000).isEmpty)
    }

    @Test func reapCarriesTheZombieTime() {
        let tracker = ZombieTracker(zombieAfterNs: 1_000_000_000)
        tracker.observe(Self.exited)
        var reap = ProcessEvent.sample(.reap)
        reap.tsNs = 2_020_000_000
        reap.peer = Peer(hostPID: 4000, hostTID: 4000, nsPID: 0, pidns: 4_026_531_836, comm: "shim")
        let record = tracker.reap(reap)
        #expect(record?.zombieNs == 20_000_000 && record?.reaperNSPID == nil)
        #expect(record?.reparentedToNamespaceInit == false)
        #expect(tracker.reap(reap) == nil, "released once")
    }

    /// Inside a namespace, an orphan that the init reaps was reparented to it; the init's
    /// own child was not. Either way the exit names the init as parent by then.
    @Test func orphanReapedByTheNamespaceInitIsReparented() {
        let tracker = ZombieTracker(zombieAfterNs: 1_000_000_000)
        let initPeer = Peer(hostPID: 6000, hostTID: 6000, nsPID: 1, pidns: 4_026_532_999, comm: "init")
        func cycle(pid: UInt32, forkedBy parent: UInt32) -> ReapRecord? {
            var fork = ProcessEvent.sample(.fork)
            fork.hostPID = pid
            fork.hostPPID = parent
            tracker.observe(ProcessRecord(event: fork))
            var exit = ProcessEvent.sample(.exit)
            exit.hostPID = pid
            exit.hostPPID = 6000
            tracker.observe(ProcessRecord(event: exit))
            var reap = ProcessEvent.sample(.reap)
            reap.hostPID = pid
            reap.tsNs = 2_010_000_000
            reap.peer = initPeer
            return tracker.reap(reap)
        }
        #expect(cycle(pid: 7001, forkedBy: 5000)?.reparentedToNamespaceInit == true)
        #expect(cycle(pid: 7002, forkedBy: 6000)?.reparentedToNamespaceInit == false)
        #expect(cycle(pid: 7001, forkedBy: 6000)?.reparentedToNamespaceInit == false,
                "a reused PID starts from its own fork")
    }

    @Test func procStateOfALiveProcessIsNotZombie() {
        #expect(!ZombieTracker.procSaysZombie(UInt32(getpid())))
        #expect(!ZombieTracker.procSaysZombie(UInt32(Int32.max)))
    }
}
