/// `--summary` on a live trace: every record goes through the same NDJSON text and
/// reader as `pidtrace summary FILE`, so both tell the same story.
public final class SummarySink: RecordSink {
    private let encoder: NDJSONEncoder
    private var line = JSONBuffer(capacity: 1 << 12)
    private var builder: ReportBuilder
    /// Records the summary could not read back (it reports them as malformed lines).
    private(set) var unreadable = 0

    public init(clock: BootClock, lateReapNs: Int = TraceReport.defaultLateReapNs) {
        encoder = NDJSONEncoder(clock: clock)
        builder = ReportBuilder(lateReapNs: lateReapNs, nodeLimit: Self.nodeLimit)
    }

    /// Per generation; the report of a live trace keeps live processes, PID 1 and the
    /// latest exited ones, so memory stays flat over a day.
    static let nodeLimit = 2048

    public func write(_ record: TraceRecord) throws(OutputError) {
        line.removeAll()
        encoder.encode(record, into: &line)
        let bytes = line.bytes.dropLast() // the newline
        do {
            if let decoded = try ReportRecord.decode(try JSONParser.parse(Array(bytes))) { builder.add(decoded) }
        } catch {
            // The file has the record; the report would silently lack it: say so.
            if unreadable == 0 { Log.logger.error("the summary could not read back a record it wrote: \(error)") }
            unreadable += 1
            builder.malformed(line: 0, "a record the summary could not read back: \(error)")
        }
    }

    public func flush() throws(OutputError) {}
    public func sync() throws(OutputError) {}

    /// The report of everything written so far.
    public func report() -> TraceReport {
        let copy = builder
        return copy.finish()
    }
}
