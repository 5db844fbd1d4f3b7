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
