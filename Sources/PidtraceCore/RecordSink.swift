/// Where trace records go: the NDJSON record or the live table.
public protocol RecordSink: AnyObject {
    func write(_ record: TraceRecord) throws(OutputError)
    /// Hands everything buffered to the kernel (called once per ring-buffer batch).
    func flush() throws(OutputError)
    /// Makes it durable (at stop).
    func sync() throws(OutputError)
    /// Log rotation (SIGHUP): continue in a freshly opened file. Only file sinks do anything.
    func reopen() throws(OutputError)
    /// Whether there is a file to reopen.
    var canReopen: Bool { get }
}

extension RecordSink {
    public func reopen() throws(OutputError) {}
    public var canReopen: Bool { false }
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

    public func flush() throws(OutputError) {
        guard buffer.count > 0, failure == nil else { return }
        defer { buffer.removeAll() }
        do {
            try buffer.withBytes { (bytes) throws(OutputError) in try output.write(bytes) }
        } catch {
            if error != .brokenPipe { failure = error }
            throw error
        }
    }

    /// Alone in its write: it lands whole or (cut back by OutputFile) not at all.
    private func writeFinalRecord(_ record: TraceRecord) {
        buffer.removeAll()
        encoder.encode(record, into: &buffer)
        defer { buffer.removeAll() }
        try? buffer.withBytes { (bytes) throws(OutputError) in try output.write(bytes) }
    }

    public func sync() throws(OutputError) {
        if failure != nil {
            try? output.sync() // the whole lines before the failure
            return
        }
        try flush()
        try output.sync()
    }

    public func reopen() throws(OutputError) {
        try flush()
        try output.reopen()
    }

    public var canReopen: Bool { output.isReopenable }
}
