import Glibc
import Testing
@testable import PidtraceCore

/// The per-CPU `lost` counters summed, or an error: never a silent 0.
@Suite("lost-event counter read")
struct LostCounterTests {
    /// A failed map read is an error, never 0 lost (a `stop` record would look exact).
    @Test func lostCounterReadFailureThrows() throws {
        #expect(throws: BPFError(operation: "read the lost-event counter (map lost)", errno: EBADF)) {
            try BPFTracer.sumLost(cpus: 4) { _ in EBADF }
        }
        #expect(throws: BPFError(operation: "read the lost-event counter (map lost)", errno: ENOENT)) {
            try BPFTracer.sumLost(cpus: -Int(ENOENT)) { _ in 0 }
        }
        let sum = try BPFTracer.sumLost(cpus: 4) { values in
            for i in values.indices { values[i] = UInt64(i + 1) }
            return 0
        }
        #expect(sum == 10)
    }
}
