import CLibbpf
import Glibc

/// Reads the BPF ring buffer. Call `poll` from one dedicated thread (never a Swift
/// concurrency task): each record is handed to `handler` in place, in ring order.
public final class RingBufferReader {
    public typealias Handler = (UnsafeRawBufferPointer) -> Void

    private final class Context {
        let handler: Handler
        init(_ handler: @escaping Handler) { self.handler = handler }
    }

    private let ring: OpaquePointer
    private let context: Unmanaged<Context>

    public init(mapFD: Int32, handler: @escaping Handler) throws(BPFError) {
        let context = Unmanaged.passRetained(Context(handler))
        let callback: ring_buffer_sample_fn = { ctx, data, size in
            let context = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
            context.handler(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
        guard let ring = ring_buffer__new(mapFD, callback, context.toOpaque(), nil) else {
            context.release()
            throw BPFError(operation: "open ring buffer", errno: errno)
        }
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
