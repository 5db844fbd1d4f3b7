/// One loaded BPF program's run-time statistics, as `bpftool prog show` gives them.
/// The kernel counts them only while `kernel.bpf_stats_enabled` is 1 (each program's
/// entry then reads the clock twice), so both stay 0 otherwise.
public struct BPFProgramStats: Sendable, Equatable {
    /// libbpf's name without `handle_`: `sched_process_exec`, `signal_generate_cast`.
    public var program: String
    public var runTimeNs: UInt64
    public var runCount: UInt64

    public init(program: String, runTimeNs: UInt64, runCount: UInt64) {
        self.program = program
        self.runTimeNs = runTimeNs
        self.runCount = runCount
    }
}
