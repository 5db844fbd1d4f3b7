import Testing
import PidtraceCore

@Suite("Capabilities needed for tracing")
struct CapabilitiesTests {
    static let sysAdmin: UInt64 = 1 << 21
    static let perfmon: UInt64 = 1 << 38
    static let bpf: UInt64 = 1 << 39
    static let all: UInt64 = 0x1ff_ffff_ffff

    @Test(arguments: [
        (UInt64(0), ["CAP_BPF", "CAP_PERFMON"]),
        (bpf, ["CAP_PERFMON"]),
        (perfmon, ["CAP_BPF"]),
        (bpf | perfmon, []),
        (sysAdmin, []),
        (all, []),
        (all & ~(sysAdmin | bpf), ["CAP_BPF"]),
        (all & ~(sysAdmin | bpf | perfmon), ["CAP_BPF", "CAP_PERFMON"]),
    ])
    func missingForTracing(mask: UInt64, missing: [String]) {
        #expect(Capabilities(effective: mask).missingForTracing == missing)
    }

    @Test func readsCapEffFromStatus() throws {
        let proc = try ProcTree()
        try proc.write("10/status", "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000000c000000000\n")
        let caps = try #require(Capabilities(proc: ProcReader(root: proc.root), pid: 10))
        #expect(caps.effective == Self.bpf | Self.perfmon)
        #expect(caps.has(Capabilities.bpf))
        #expect(!caps.has(Capabilities.sysAdmin))
    }

    @Test func noCapabilitiesWithoutAReadableMask() throws {
        let proc = try ProcTree()
        try proc.write("10/status", "Name:\tx\nCapEff:\tnot-hex\n")
        try proc.write("11/status", "Name:\tx\n")
        #expect(Capabilities(proc: ProcReader(root: proc.root), pid: 10) == nil)
        #expect(Capabilities(proc: ProcReader(root: proc.root), pid: 11) == nil)
        #expect(Capabilities(proc: ProcReader(root: proc.root), pid: 12) == nil)
    }
}
