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

    @Test func procStateOfALiveProcessIsNotZombie() {
        #expect(!ZombieTracker.procSaysZombie(UInt32(getpid())))
        #expect(!ZombieTracker.procSaysZombie(UInt32(Int32.max)))
    }
}
