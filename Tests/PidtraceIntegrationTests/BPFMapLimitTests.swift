import Glibc
import PidtraceCore
import Testing

/// The kernel filter's namespace map is bounded (max_entries 4096): the one past the
/// limit is an error the caller must handle, never a namespace silently not followed.
@Suite(.serialized, .requires(.root))
struct BPFMapLimitTests {
    @Test func watchingPastTheMapLimitThrows() throws {
        var config = TracerConfig()
        config.filtered = true
        config.kinds = [.exec]
        let tracer = try BPFTracer(config: config)
        // Inodes no real namespace has (they start at 0xEFFFFFFB and count down).
        let first: UInt32 = 0x1000_0000
        for inode in first..<first + 4096 { try tracer.watch(pidNamespace: inode) }
        #expect(throws: BPFError(operation: "watch PID namespace \(first + 4096)", errno: E2BIG)) {
            try tracer.watch(pidNamespace: first + 4096)
        }
        // Room again once one is dropped; re-watching one already there is no new entry.
        tracer.unwatch(pidNamespace: first, initHostPID: 0)
        try tracer.watch(pidNamespace: first + 4096)
        try tracer.watch(pidNamespace: first + 1)
        #expect(try tracer.readLostCount() == 0, "the lost counter reads (nothing attached, nothing lost)")
    }
}
