import CLibbpf
import Glibc

/// Reads the tracer's BPF ring buffer and hands over typed events, in ring order.
/// Made by the tracer (`BPFTracer.makeReader`), whose map it reads: it keeps the
/// tracer alive, so it cannot outlive it. Call `poll` from one dedicated thread
/// (never a Swift concurrency task).
public final class RingBufferReader {
    /// Takes the event (consuming): the record made of it keeps it without a copy.
    public typealias Handler = (consuming ProcessEvent) -> Void

    private final class Context {
        let handler: Handler
        init(_ handler: @escaping Handler) { self.handler = handler }
    }

    private let tracer: BPFTracer
    private let ring: OpaquePointer
    private let context: Unmanaged<Context>

    init(tracer: BPFTracer, handler: @escaping Handler) throws(BPFError) {
        let context = Unmanaged.passRetained(Context(handler))
        let callback: ring_buffer_sample_fn = { ctx, data, size in
            let context = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
            do {
                // Decoded in place here and lent to the handler: never copied.
                context.handler(try ProcessEvent(record: UnsafeRawBufferPointer(start: data, count: size)))
            } catch {
                Log.logger.warning("skipping a malformed event: \(error)")
            }
            return 0
        }
        guard let ring = ring_buffer__new(tracer.ringBufferFD, callback, context.toOpaque(), nil) else {
            context.release()
            throw BPFError(operation: "open ring buffer", errno: errno)
        }
        self.tracer = tracer
        self.ring = ring
        self.context = context
    }

    /// Waits up to `timeoutMs` for a wake-up and hands over all records that are ready.
    /// The kernel side wakes us only when enough is pending, so a timeout still reads.
    @discardableResult
    public func poll(timeoutMs: Int32) throws(BPFError) -> Int {
        let n = ring_buffer__poll(ring, timeoutMs)
        if n < 0 && n != -EINTR { throw BPFError(operation: "poll ring buffer", errno: -n) }
        return n > 0 ? Int(n) : try drain()
    }

    /// Hands over everything in the ring without waiting (the final drain).
    @discardableResult
    public func drain() throws(BPFError) -> Int {
        let n = ring_buffer__consume(ring)
        if n < 0 { throw BPFError(operation: "drain ring buffer", errno: -n) }
        return Int(n)
    }

    deinit {
        ring_buffer__free(ring)
        context.release()
    }
}

extension BPFTracer {
    /// A reader of this tracer's ring buffer; `handler` gets each event.
    public func makeReader(handler: @escaping RingBufferReader.Handler) throws(BPFError) -> RingBufferReader {
        try RingBufferReader(tracer: self, handler: handler)
    }
}
