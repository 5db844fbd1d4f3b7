import Glibc

/// One scraper's connection, non-blocking: its request head is read, one reply is
/// written, and it is closed. Its deadline bounds how long a slow or stuck scraper
/// holds a slot; its head is bounded by `HTTPRequestHead.maxBytes`.
struct HTTPConnection {
    enum Next { case read, write, close }

    let fd: Int32
    let deadlineNs: UInt64
    private var head: [UInt8] = []
    private var reply: [UInt8] = []
    private var written = 0
    private(set) var next = Next.read

    init(fd: Int32, deadlineNs: UInt64) {
        self.fd = fd
        self.deadlineNs = deadlineNs
    }

    /// Reads what arrived; once the head is complete, `respond` makes the reply.
    mutating func readable(respond: (HTTPRequestHead?) -> [UInt8]) {
        var chunk = [UInt8](repeating: 0, count: 2048)
        while next == .read {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            guard n > 0 else {
                next = .close // closed, or reset, before a whole head
                return
            }
            head += chunk[0..<n]
            if let end = HTTPRequestHead.end(in: head) {
                start(respond(HTTPRequestHead(Array(head[..<end]))))
            } else if head.count > HTTPRequestHead.maxBytes {
                start(MetricsRoutes.headTooLarge)
            }
        }
    }

    /// Writes what the socket takes now.
    mutating func writable() {
        while next == .write {
            // MSG_NOSIGNAL: a scraper gone mid-reply is EPIPE here, not SIGPIPE for the agent.
            let n = reply[written...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            guard n > 0 else {
                next = .close
                return
            }
            written += n
            if written == reply.count { next = .close }
        }
    }

    private mutating func start(_ bytes: [UInt8]) {
        head = []
        reply = bytes
        next = .write
        writable()
    }
}
