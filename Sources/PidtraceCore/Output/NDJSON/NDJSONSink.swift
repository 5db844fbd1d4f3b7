/// NDJSON into a file or standard output, buffered per batch: one write() per batch.
/// A full batch (a burst) is written by a BatchWriter thread while the next one is
/// encoded; the smaller batch that each poll of the ring ends with is written in
/// place, which costs less than waking that thread (about 70 µs per wake-up here).
public final class NDJSONSink: RecordSink {
    private let output: OutputFile
    private let encoder: NDJSONEncoder
    private var buffer = JSONBuffer(capacity: NDJSONSink.flushThreshold)
    /// Owns the batch it is writing (its own buffer, swapped with ours at each flush).
    private let writer: BatchWriter?
    private static let flushThreshold = 1 << 20
    /// Smaller batches are written in place.
    private static let handOffThreshold = 1 << 18

    public init(output: OutputFile, clock: BootClock) {
        self.output = output
        encoder = NDJSONEncoder(clock: clock)
        writer = BatchWriter(output: output, capacity: Self.flushThreshold)
    }

    /// Set by the first failed write: later records are dropped (the session stops),
    /// except one last try at the `stop` record, which says why the file ends here.
    public private(set) var failure: OutputError?

    public func write(_ record: TraceRecord) throws(OutputError) {
        if failure != nil {
            if case .stop = record { writeFinalRecord(record) }
            return
        }
        encoder.encode(record, into: &buffer)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Writes the batch: in place, or a full one by the writer thread once the previous
    /// one is written (a failed write there shows up here, or at `sync`, a batch later).
    public func flush() throws(OutputError) {
        guard buffer.count > 0, failure == nil else { return }
        defer { buffer.removeAll() }
        try settle()
        guard let writer, buffer.count >= Self.handOffThreshold else {
            do { try buffer.withBytes { (bytes) throws(OutputError) in try output.write(bytes) } } catch {
                throw noted(error)
            }
            return
        }
        writer.submit(&buffer) // gives back the previous batch's buffer, empty
    }

    /// Waits for the batch in flight; its failure is noted like any other.
    private func settle() throws(OutputError) {
        do { try writer?.finish() } catch { throw noted(error) }
    }

    /// A closed reader is not a failure to report: the session just stops.
    private func noted(_ error: OutputError) -> OutputError {
        if error != .brokenPipe { failure = error }
        return error
    }

    /// Alone in its write: it lands whole or (cut back by OutputFile) not at all.
    private func writeFinalRecord(_ record: TraceRecord) {
        try? writer?.finish()
        buffer.removeAll()
        encoder.encode(record, into: &buffer)
        defer { buffer.removeAll() }
        try? buffer.withBytes { (bytes) throws(OutputError) in try output.write(bytes) }
    }

    public func sync() throws(OutputError) {
        if failure != nil {
            try? writer?.finish()
            try? output.sync() // the whole lines before the failure
            return
        }
        try flush()
        try settle()
        try output.sync()
    }

    public func reopen() throws(OutputError) {
        try flush()
        try settle()
        try output.reopen()
    }

    public var canReopen: Bool { output.isReopenable }
}
