import CPidtrace
import Glibc
import Synchronization

/// Serves `/metrics` and `/healthz` (`MetricsRoutes`) on one thread of its own, so a
/// scrape never waits on the agent's ring-buffer reader nor the reader on a scrape.
/// Hand-written on a poll loop (docs/metrics.md has the measurement that chose it):
/// at most `Limits.maxConnections` scrapers at once, each closed at its deadline, so a
/// slow or stuck one holds a slot for `Limits.replyTimeoutNs`, never a thread or
/// unbounded memory.
public final class MetricsServer: @unchecked Sendable {
    /// The port it listens on (the kernel's choice when started on port 0).
    public let port: UInt16
    private let socket: ListeningSocket
    private let routes: MetricsRoutes
    private let readyFlag: Atomic<Bool>
    /// Written to once by `stop` to end the loop's poll.
    private let wake: (read: Int32, write: Int32)
    private var thread = pthread_t()
    private let stopped = Mutex(false)

    private let limits: Limits

    public struct Limits: Sendable {
        /// Scrapers served at once: one Prometheus, perhaps a second, a curl.
        public var maxConnections: Int
        /// From accept to the last byte of the reply: Prometheus' default scrape timeout.
        public var replyTimeoutNs: UInt64

        public init(maxConnections: Int = 8, replyTimeoutNs: UInt64 = 10_000_000_000) {
            self.maxConnections = max(1, maxConnections)
            self.replyTimeoutNs = replyTimeoutNs
        }
    }

    /// Listens on HOST:PORT (a `MetricsAddress.listen`) and starts serving; `exposition`
    /// is called on the server's thread for each scrape. Throws when the address cannot be had.
    public init(host: String, port: UInt16, limits: Limits = Limits(),
                exposition: @escaping @Sendable () -> [UInt8]) throws(MetricsServerError) {
        let socket = try ListeningSocket(host: host, port: port)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .cannotStartThread(errno: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        self.socket = socket
        self.limits = limits
        self.port = socket.port
        readyFlag = Atomic(false)
        wake = (fds[0], fds[1])
        routes = MetricsRoutes(exposition: exposition)
        // The thread owns a reference until it ends: the server lives until `stop`.
        let context = Unmanaged.passRetained(self)
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<MetricsServer>.fromOpaque(context!).takeRetainedValue().serve()
            return nil
        }, context.toOpaque())
        if rc != 0 {
            context.release()
            stopped.withLock { $0 = true } // no thread to join
            throw .cannotStartThread(errno: rc)
        }
    }

    /// Serves `metrics.exposition()`.
    public convenience init(host: String, port: UInt16, metrics: AgentMetrics) throws(MetricsServerError) {
        try self.init(host: host, port: port, exposition: { metrics.exposition() })
    }

    /// `/healthz` says 200 while true: the agent sets it once its BPF programs are attached.
    public var ready: Bool {
        get { readyFlag.load(ordering: .acquiring) }
        set { readyFlag.store(newValue, ordering: .releasing) }
    }

    /// Closes every connection and the port, and ends the thread; returns once it has.
    /// The server runs until then (its thread holds it).
    public func stop() {
        let first = stopped.withLock { was in
            defer { was = true }
            return !was
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        pthread_join(thread, nil)
        socket.close()
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    private func serve() {
        // Signals go to the agent's threads, whose waits they are meant to cut short.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        var connections: [HTTPConnection] = []
        defer { for c in connections { close(c.fd) } }
        while true {
            let now = BootClock.nowBootNs()
            connections.removeAll { c in
                let done = c.next == .close || now >= c.deadlineNs
                if done { close(c.fd) }
                return done
            }
            // At the limit the listening socket is not polled: the kernel's backlog holds
            // the next scrapers, then refuses them.
            let accepting = connections.count < limits.maxConnections
            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: accepting ? socket.fd : -1, events: Int16(POLLIN), revents: 0)]
            fds += connections.map { pollfd(fd: $0.fd, events: Int16($0.next == .read ? POLLIN : POLLOUT), revents: 0) }
            let timeoutMs = connections.map { Int(($0.deadlineNs - min($0.deadlineNs, now)) / 1_000_000) + 1 }.min() ?? -1
            if poll(&fds, nfds_t(fds.count), Int32(clamping: timeoutMs)) < 0 {
                if errno != EINTR { usleep(100_000) } // ENOMEM: try again, rather than end serving
                continue
            }
            if fds[0].revents != 0 { return }
            for i in connections.indices where fds[i + 2].revents != 0 {
                if connections[i].next == .read {
                    connections[i].readable { head in routes.reply(to: head, ready: ready) }
                } else {
                    connections[i].writable()
                }
            }
            if fds[1].revents != 0 { acceptWaiting(into: &connections) }
        }
    }

    private func acceptWaiting(into connections: inout [HTTPConnection]) {
        while connections.count < limits.maxConnections {
            let fd = pt_accept_nonblocking(socket.fd)
            guard fd >= 0 else {
                // Out of descriptors or memory: the scraper stays in the backlog, and a
                // pause keeps the still-readable socket from spinning the loop.
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(errno) { usleep(100_000) }
                return // EAGAIN: no more waiting; ECONNABORTED: that one gave up
            }
            connections.append(HTTPConnection(fd: fd, deadlineNs: BootClock.nowBootNs() + limits.replyTimeoutNs))
        }
    }
}
