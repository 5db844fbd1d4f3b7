/// The story of a live trace: its records go into the same `ReportBuilder` as the lines
/// of a file that `pidtrace summary` reads, so the table's END line, `--summary` and
/// `summary FILE` are one story. Each container generation is handed to `onEnded`
/// once its namespace is gone (see `ReportBuilder`).
public final class StoryTracker {
    private var builder: ReportBuilder
    private let clock: BootClock
    private var timeText = JSONBuffer(capacity: 64)
    private var handlers: [(TraceReport.Generation) -> Void] = []

    /// `keepEnded`: keep ended generations for `report()` (`--summary`); without it only
    /// the live ones are kept, so a table that runs for weeks stays flat. `nodeLimit`:
    /// processes kept per generation (live ones, PID 1 and the latest exited ones), so
    /// memory stays flat over a day.
    public init(clock: BootClock, lateReapNs: Int = TraceReport.defaultLateReapNs, keepEnded: Bool,
                nodeLimit: Int = StoryTracker.nodeLimit) {
        self.clock = clock
        builder = ReportBuilder(lateReapNs: lateReapNs, nodeLimit: nodeLimit, keepEnded: keepEnded)
    }

    /// Per generation, for a trace's `--summary` and live table (its tree shows them).
    public static let nodeLimit = 2048
    /// Per generation for the agent, which keeps hundreds of live stories and needs of
    /// each only its end (the entry's story is told again from its kept records).
    public static let agentNodeLimit = 256

    /// Called with each container generation when it has ended, in the order they end.
    public func onEnded(_ handler: @escaping (TraceReport.Generation) -> Void) { handlers.append(handler) }

    public func add(_ record: TraceRecord) {
        if let decoded = ReportRecord(record, time: time) {
            builder.add(decoded)
        } else {
            builder.skipUnknown()
        }
        tell()
    }

    /// Ends the generations whose processes were not all recorded gone in time.
    public func tick(nowNs: UInt64) {
        builder.expire(atNs: Int(clamping: nowNs))
        tell()
    }

    /// The report of everything added so far.
    public func report() -> TraceReport {
        let copy = builder
        return copy.finish()
    }

    private func tell() {
        for generation in builder.takeEnded() {
            for handler in handlers { handler(generation) }
        }
    }

    /// RFC 3339, as the NDJSON record writes the same instant.
    private func time(_ tsNs: UInt64) -> String {
        timeText.removeAll()
        timeText.appendTime(wallNs: clock.wallNs(bootNs: tsNs))
        return String(decoding: timeText.bytes.dropFirst().dropLast(), as: UTF8.self)
    }
}
