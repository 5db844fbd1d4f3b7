/// Where trace records go: the NDJSON record or the live table.
public protocol RecordSink: AnyObject {
    func write(_ record: TraceRecord) throws(OutputError)
    /// Hands everything buffered to the kernel (called once per ring-buffer batch).
    func flush() throws(OutputError)
    /// Makes it durable (at stop).
    func sync() throws(OutputError)
}

/// NDJSON into a file or standard output, buffered per batch: one write() per batch.
public final class NDJSONSink: RecordSink {
    private let output: OutputFile
    private let encoder: NDJSONEncoder
    private var buffer = JSONBuffer(capacity: 1 << 20)
    private static let flushThreshold = 1 << 20

    public init(output: OutputFile, clock: BootClock) {
        self.output = output
        encoder = NDJSONEncoder(clock: clock)
    }

    public func write(_ record: TraceRecord) throws(OutputError) {
        encoder.encode(record, into: &buffer)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func flush() throws(OutputError) {
        guard buffer.count > 0 else { return }
        defer { buffer.removeAll() }
        try buffer.withBytes { (bytes) throws(OutputError) in try output.write(bytes) }
    }

    public func sync() throws(OutputError) {
        try flush()
        try output.sync()
    }
}
