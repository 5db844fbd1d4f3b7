import Foundation
import Glibc
import Testing

/// The harness's own timeouts: a child that hangs fails its test at the deadline (and
/// is killed) instead of hanging the suite. No privilege needed.
@Suite("harness: timeouts cover the whole run")
struct HarnessTimeoutTests {
    /// It used to read stdout to EOF first and start the clock after: 30 s, then a pass.
    @Test func hungChildIsKilledAtTheDeadline() throws {
        let marker = uniqueSleep()
        let start = Date()
        #expect(throws: HarnessError.self) { try DockerFixture.execute("/bin/sleep", [marker], timeout: 1) }
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(Kernel.pids(withArgument: marker).isEmpty, "the child was killed")
    }

    /// runPidtrace the same (through a launcher that never ends).
    @Test func hungPidtraceRunTimesOut() throws {
        let start = Date()
        #expect(throws: HarnessError.self) {
            try runPidtrace(["--version"], via: ["/bin/sh", "-c", "exec sleep 30", "sh"], timeout: 1)
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// A child that exits but leaves a process holding its stdout: the deadline still holds.
    @Test func outputHeldOpenByALeftoverTimesOut() throws {
        let marker = uniqueSleep()
        defer { for pid in Kernel.pids(withArgument: marker) { kill(Int32(pid), SIGKILL) } }
        let start = Date()
        #expect(throws: HarnessError.self) {
            try DockerFixture.execute("/bin/sh", ["-c", "sleep \(marker) & echo started"], timeout: 2)
        }
        #expect(Date().timeIntervalSince(start) < 6)
        try waitUntil(timeout: 2, "the leftover to be killed with its process group") {
            Kernel.pids(withArgument: marker).isEmpty
        }
    }
}
