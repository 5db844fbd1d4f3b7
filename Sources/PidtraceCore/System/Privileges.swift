import Glibc

/// Linux capabilities the tracer needs, read from /proc/self/status (CapEff).
public struct Capabilities: Sendable, Equatable {
    public static let sysPtrace = 19
    public static let sysAdmin = 21
    public static let perfmon = 38
    public static let bpf = 39

    public let effective: UInt64

    public init(effective: UInt64) { self.effective = effective }

    public init?(proc: ProcReader = ProcReader(), pid: Int32 = getpid()) {
        guard let hex = proc.status(pid: pid)?["CapEff"], let mask = UInt64(hex, radix: 16) else { return nil }
        effective = mask
    }

    public func has(_ cap: Int) -> Bool { effective & (1 << UInt64(cap)) != 0 }

    /// Names of the capabilities missing for loading and attaching tracing programs:
    /// CAP_BPF with CAP_PERFMON, or CAP_SYS_ADMIN alone (kernels before 5.8).
    public var missingForTracing: [String] {
        if has(Self.sysAdmin) || (has(Self.bpf) && has(Self.perfmon)) { return [] }
        var missing: [String] = []
        if !has(Self.bpf) { missing.append("CAP_BPF") }
        if !has(Self.perfmon) { missing.append("CAP_PERFMON") }
        return missing
    }
}
