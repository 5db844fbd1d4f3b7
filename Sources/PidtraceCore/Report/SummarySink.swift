/// `--summary` on a live trace: every record goes through the same NDJSON text and
/// reader as `pidtrace summary FILE`, so both tell the same story.
public final class SummarySink: RecordSink {
    private let encoder: NDJSONEncoder
    private var line = JSONBuffer(capacity: 1 << 12)
    private var builder: ReportBuilder

    public init(clock: BootClock, lateReapNs: Int = TraceReport.defaultLateReapNs) {
        encoder = NDJSONEncoder(clock: clock)
        builder = ReportBuilder(lateReapNs: lateReapNs)
    }

    public func write(_ record: TraceRecord) throws(OutputError) {
        line.removeAll()
        encoder.encode(record, into: &line)
        let bytes = line.bytes.dropLast() // the newline
        guard let json = try? JSONParser.parse(Array(bytes)),
              let decoded = try? ReportRecord.decode(json) else { return }
        builder.add(decoded)
    }

    public func flush() throws(OutputError) {}
    public func sync() throws(OutputError) {}

    /// The report of everything written so far.
    public func report() -> TraceReport {
        let copy = builder
        return copy.finish()
    }
}
