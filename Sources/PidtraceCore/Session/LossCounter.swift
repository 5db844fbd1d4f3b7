/// Turns the kernel's count of events it could not hand over (ring full) into
/// `lost` records, at most once a second unless forced (the end of a trace): reading
/// the counter is a syscall and an allocation, which at every 100 ms poll were a
/// third of an idle trace's CPU. A counter that cannot be read is said once (a
/// `notice`), and the totals become a floor (`lost_unknown`).
struct LossCounter {
    private(set) var reported: UInt64 = 0
    private(set) var unknown = false
    private var lastCheckNs: UInt64 = 0
    static let intervalNs: UInt64 = 1_000_000_000

    /// The record to write, if any. `read` gives the kernel's running total.
    mutating func check(nowNs: UInt64, force: Bool, read: () throws(BPFError) -> UInt64) -> TraceRecord? {
        guard force || nowNs - lastCheckNs >= Self.intervalNs else { return nil }
        lastCheckNs = nowNs
        let total: UInt64
        do {
            total = try read()
        } catch {
            // The `stop` record must not claim an exact count it could not read.
            guard !unknown else { return nil }
            unknown = true
            Log.logger.error("\(error): lost events can no longer be counted")
            return .notice(NoticeRecord(tsNs: nowNs, notice: Notice(kind: .lostUnknown, message:
                "\(error): from here on, events the kernel could not hand over are not counted")))
        }
        guard total > reported else { return nil }
        defer { reported = total }
        Log.logger.notice("the kernel could not hand over \(total - reported) events (ring full)")
        return .lost(LostInfo(tsNs: nowNs, count: total - reported))
    }
}
