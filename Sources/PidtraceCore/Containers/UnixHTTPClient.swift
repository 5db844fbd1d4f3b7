import Glibc
import Synchronization

/// Why an HTTP exchange over a unix socket failed. The socket cases keep the errno
/// distinctions a user acts on: no such socket (ENOENT), no permission (EACCES),
/// nobody listening (ECONNREFUSED).
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case socketMissing(path: String)
    case permissionDenied(path: String)
    case connectionRefused(path: String)
    case pathTooLong(path: String)
    case connectFailed(path: String, errno: Int32)
    case timedOut(path: String, operation: String)
    case ioFailed(operation: String, errno: Int32)
    /// The peer closed the connection before a complete reply head.
    case closedEarly(path: String)
    case malformedReply(String)
    case truncatedBody(expected: Int?, received: Int)
    case bodyTooLarge(limit: Int)

    public var description: String {
        switch self {
        case let .socketMissing(path): "no socket at \(path) (\(Self.text(ENOENT)))"
        case let .permissionDenied(path): "permission denied on \(path) (\(Self.text(EACCES)))"
        case let .connectionRefused(path): "nothing listens on \(path) (\(Self.text(ECONNREFUSED)))"
        case let .pathTooLong(path): "socket path too long: \(path)"
        case let .connectFailed(path, e): "cannot connect to \(path): \(Self.text(e))"
        case let .timedOut(path, operation): "timed out during \(operation) on \(path)"
        case let .ioFailed(operation, e): "\(operation) failed: \(Self.text(e))"
        case let .closedEarly(path): "\(path) closed the connection without a complete reply"
        case let .malformedReply(why): "malformed HTTP reply: \(why)"
        case let .truncatedBody(expected?, received): "reply body cut short: \(received) of \(expected) bytes"
        case let .truncatedBody(nil, received): "chunked reply body cut short after \(received) bytes"
        case let .bodyTooLarge(limit): "reply body larger than \(limit) bytes"
        }
    }

    private static func text(_ e: Int32) -> String { String(cString: strerror(e)) }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    /// Header names lower-cased, in the order received.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.name == key }?.value
    }

    public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.reason == b.reason && a.body == b.body
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

/// A small HTTP/1.1 client for daemons that listen on a unix socket (the Docker
/// Engine API, Podman's compatible service). One request per connection
/// (`Connection: close`); bodies by Content-Length, chunked, or until close.
public struct UnixHTTPClient: Sendable {
    public var socketPath: String
    /// Sent as the Host header; the daemons ignore it but HTTP/1.1 requires one.
    public var host: String = "localhost"
    public var connectTimeout: Double = 5
    /// Longest wait for the next bytes of a reply (not for the whole reply).
    public var readTimeout: Double = 30
    public var maxBodyBytes: Int = 8 << 20

    public init(socketPath: String) { self.socketPath = socketPath }

    /// GET `target` (path and query, already percent-encoded).
    public func get(_ target: String) throws(HTTPClientError) -> HTTPResponse {
        let connection = try UnixConnection(path: socketPath, connectTimeout: connectTimeout)
        try connection.send(request(target))
        var reader = HTTPReader(connection: connection, timeoutMs: Self.milliseconds(readTimeout))
        let head = try reader.readHead()
        var body: [UInt8] = []
        try reader.readBody(head: head, limit: maxBodyBytes) { chunk throws(HTTPClientError) in
            body.append(contentsOf: chunk)
        }
        return HTTPResponse(status: head.status, reason: head.reason, headers: head.headers, body: body)
    }

    /// Opens a long-lived GET (e.g. `/events`) and hands each line of its body to
    /// `onLine` on a dedicated thread. See `HTTPLineStream`.
    public func stream(_ target: String,
                       onLine: @escaping @Sendable ([UInt8]) -> Void,
                       onEnd: @escaping @Sendable (HTTPClientError?) -> Void) -> HTTPLineStream {
        HTTPLineStream(client: self, target: target, onLine: onLine, onEnd: onEnd)
    }

    func request(_ target: String) -> [UInt8] {
        Array("GET \(target) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: pidtrace\r\nAccept: application/json\r\nConnection: close\r\n\r\n".utf8)
    }

    static func milliseconds(_ seconds: Double) -> Int32 {
        seconds <= 0 ? -1 : Int32(min(seconds * 1000, Double(Int32.max)))
    }
}

/// A connected AF_UNIX stream socket, closed when the object goes away.
final class UnixConnection: @unchecked Sendable {
    let fd: Int32
    let path: String

    init(path: String, connectTimeout: Double) throws(HTTPClientError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else { throw .pathTooLong(path: path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .ioFailed(operation: "socket", errno: errno) }
        // A unix-socket connect only blocks while the listener's backlog is full, and
        // then for at most SO_SNDTIMEO; it reports the timeout as EAGAIN.
        var tv = timeval(tv_sec: Int(connectTimeout), tv_usec: Int((connectTimeout - Double(Int(connectTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        } while result != 0 && errno == EINTR
        if result != 0 {
            let e = errno
            Glibc.close(fd)
            switch e {
            case ENOENT, ENOTDIR: throw .socketMissing(path: path)
            case EACCES, EPERM: throw .permissionDenied(path: path)
            case ECONNREFUSED: throw .connectionRefused(path: path)
            case EAGAIN, ETIMEDOUT: throw .timedOut(path: path, operation: "connect")
            default: throw .connectFailed(path: path, errno: e)
            }
        }
        self.fd = fd
        self.path = path
    }

    func send(_ bytes: [UInt8]) throws(HTTPClientError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.send(fd, buf.baseAddress! + offset, buf.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == EAGAIN { throw .timedOut(path: path, operation: "send") }
        if failure != 0 { throw .ioFailed(operation: "send to \(path)", errno: failure) }
    }

    /// Waits up to `timeoutMs` (-1: forever) for data on the socket or on `wakeFD`,
    /// then reads. Returns the byte count, 0 at end of stream, -1 when woken.
    func receive(into buffer: inout [UInt8], timeoutMs: Int32, wakeFD: Int32 = -1) throws(HTTPClientError) -> Int {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, wakeFD >= 0 ? 2 : 1, timeoutMs)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .ioFailed(operation: "poll on \(path)", errno: errno)
            }
            if ready == 0 { throw .timedOut(path: path, operation: "read") }
            if wakeFD >= 0 && fds[1].revents != 0 { return -1 }
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { return 0 }
                throw .ioFailed(operation: "read from \(path)", errno: errno)
            }
            return n
        }
    }

    deinit { Glibc.close(fd) }
}

/// The status line and headers of a reply.
struct HTTPHead {
    var status: Int
    var reason: String
    var headers: [(name: String, value: String)]

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
}

/// Reads one HTTP/1.1 reply from a connection: head, then the body in pieces.
struct HTTPReader {
    static let maxHeadBytes = 64 << 10
    static let maxChunkLine = 1024

    let connection: UnixConnection
    var timeoutMs: Int32
    var wakeFD: Int32 = -1
    private var buffer: [UInt8] = []
    private var start = 0
    private var scratch = [UInt8](repeating: 0, count: 64 << 10)
    /// Set when the peer closed the connection, or the reader was woken to stop.
    private(set) var atEnd = false
    /// Set when the reader was woken through `wakeFD` (a requested stop).
    private(set) var woken = false

    init(connection: UnixConnection, timeoutMs: Int32, wakeFD: Int32 = -1) {
        self.connection = connection
        self.timeoutMs = timeoutMs
        self.wakeFD = wakeFD
    }

    private var available: Int { buffer.count - start }

    /// Reads more bytes; false at end of stream.
    private mutating func fill() throws(HTTPClientError) -> Bool {
        if atEnd { return false }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16 {
            buffer.removeFirst(start)
            start = 0
        }
        let n = try connection.receive(into: &scratch, timeoutMs: timeoutMs, wakeFD: wakeFD)
        if n <= 0 {
            atEnd = true
            woken = n < 0
            return false
        }
        buffer.append(contentsOf: scratch[0..<n])
        return true
    }

    /// One CRLF- (or LF-) terminated line without its terminator; nil at end of stream.
    private mutating func readLine(limit: Int) throws(HTTPClientError) -> [UInt8]? {
        var searched = 0 // bytes past `start` already known to hold no LF
        while true {
            if let lf = buffer[(start + searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = lf
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Array(buffer[start..<end])
                start = lf + 1
                return line
            }
            searched = available
            if available > limit { throw .malformedReply("line longer than \(limit) bytes") }
            guard try fill() else {
                if available > 0 { throw .truncatedBody(expected: nil, received: available) }
                return nil
            }
        }
    }

    mutating func readHead() throws(HTTPClientError) -> HTTPHead {
        while true {
            guard let statusLine = try readHeadLine() else { throw .closedEarly(path: connection.path) }
            let head = try Self.parseStatusLine(statusLine)
            var headers: [(name: String, value: String)] = []
            var total = statusLine.count
            while true {
                guard let line = try readHeadLine() else { throw .closedEarly(path: connection.path) }
                if line.isEmpty { break }
                total += line.count
                if total > Self.maxHeadBytes { throw .malformedReply("header block over \(Self.maxHeadBytes) bytes") }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                    throw .malformedReply("header line without a name: \(Self.printable(line))")
                }
                let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
                let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
                headers.append((name, value))
            }
            // 1xx replies are interim: the real one follows.
            if (100..<200).contains(head.status) { continue }
            return HTTPHead(status: head.status, reason: head.reason, headers: headers)
        }
    }

    /// A head line, with truncation mapped to "closed early" rather than a body error.
    private mutating func readHeadLine() throws(HTTPClientError) -> [UInt8]? {
        do {
            return try readLine(limit: Self.maxHeadBytes)
        } catch .truncatedBody {
            throw .closedEarly(path: connection.path)
        }
    }

    static func parseStatusLine(_ line: [UInt8]) throws(HTTPClientError) -> (status: Int, reason: String) {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3,
              let status = Int(parts[1]), (100..<600).contains(status) else {
            throw .malformedReply("bad status line: \(printable(line))")
        }
        return (status, parts.count > 2 ? String(parts[2]) : "")
    }

    /// Delivers the body in pieces as they arrive. Enforces `limit` on the total.
    mutating func readBody(head: HTTPHead, limit: Int,
                           _ deliver: ([UInt8]) throws(HTTPClientError) -> Void) throws(HTTPClientError) {
        if head.status == 204 || head.status == 304 { return }
        var received = 0
        func account(_ n: Int) throws(HTTPClientError) {
            received += n
            if received > limit { throw .bodyTooLarge(limit: limit) }
        }
        if let encoding = head.header("transfer-encoding") {
            guard encoding.lowercased().split(separator: ",").last?.trimmingSpaces() == "chunked" else {
                throw .malformedReply("unsupported transfer-encoding \(encoding)")
            }
            while true {
                guard let sizeLine = try readLine(limit: Self.maxChunkLine) else {
                    if woken { return } // stopped on request
                    throw .truncatedBody(expected: nil, received: received)
                }
                let hex = sizeLine.prefix { $0 != UInt8(ascii: ";") }
                let digits = String(decoding: hex, as: UTF8.self).trimmingSpaces()
                guard !digits.isEmpty, digits.count <= 15, let size = Int(digits, radix: 16) else {
                    throw .malformedReply("bad chunk size line: \(Self.printable(sizeLine))")
                }
                if size == 0 {
                    // Trailers, then the empty line.
                    while let trailer = try readLine(limit: Self.maxHeadBytes), !trailer.isEmpty {}
                    return
                }
                try account(size)
                var remaining = size
                while remaining > 0 {
                    if available == 0 {
                        guard try fill() else {
                            if woken { return }
                            throw .truncatedBody(expected: nil, received: received - remaining)
                        }
                    }
                    let n = min(remaining, available)
                    try deliver(Array(buffer[start..<start + n]))
                    start += n
                    remaining -= n
                }
                guard let crlf = try readLine(limit: 2), crlf.isEmpty else {
                    throw .malformedReply("chunk not followed by CRLF")
                }
            }
        } else if let lengthText = head.header("content-length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw .malformedReply("bad content-length \(lengthText)")
            }
            if length > limit { throw .bodyTooLarge(limit: limit) }
            var remaining = length
            while remaining > 0 {
                if available == 0 {
                    guard try fill() else { throw .truncatedBody(expected: length, received: length - remaining) }
                }
                let n = min(remaining, available)
                try deliver(Array(buffer[start..<start + n]))
                start += n
                remaining -= n
            }
        } else {
            // No length: the body runs until the peer closes.
            while true {
                if available > 0 {
                    try account(available)
                    try deliver(Array(buffer[start...]))
                    start = buffer.count
                }
                guard try fill() else { return }
            }
        }
    }

    static func printable(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(80), as: UTF8.self)
        return "\"" + String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) }) + "\""
    }
}

/// A long-lived GET whose body is a stream of lines (Docker's `/events`: one JSON
/// object per line, in chunks). One dedicated thread reads the socket and calls
/// `onLine` for each non-empty line, in order; `onEnd` is called once when the
/// stream ends: nil after `stop()`, else why. A line stream is not meant to end, so a
/// clean end from the peer (a daemon shutting down) is reported too, as `closedEarly`.
/// A line longer than the body limit ends the stream with `bodyTooLarge`.
public final class HTTPLineStream: @unchecked Sendable {
    private let client: UnixHTTPClient
    private let target: String
    private let onLine: @Sendable ([UInt8]) -> Void
    private let onEnd: @Sendable (HTTPClientError?) -> Void
    /// stop() writes to wake[1]; the reader polls wake[0] with the socket.
    private let wake: (read: Int32, write: Int32)
    private let stopped = Atomic<Bool>(false)
    private let done = Mutex<Bool>(false)
    private let thread = Mutex<pthread_t?>(nil)

    init(client: UnixHTTPClient, target: String,
         onLine: @escaping @Sendable ([UInt8]) -> Void,
         onEnd: @escaping @Sendable (HTTPClientError?) -> Void) {
        self.client = client
        self.target = target
        self.onLine = onLine
        self.onEnd = onEnd
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
        } else {
            fds = [-1, -1]
        }
        wake = (fds[0], fds[1])
    }

    private let started = Atomic<Bool>(false)

    /// Starts the reader thread (once; later calls do nothing). Connection errors
    /// arrive through `onEnd`.
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let box = Unmanaged.passRetained(self)
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { context in
            let stream = Unmanaged<HTTPLineStream>.fromOpaque(context!).takeRetainedValue()
            stream.runLoop()
            return nil
        }, box.toOpaque())
        if rc != 0 {
            box.release()
            finish(.ioFailed(operation: "pthread_create", errno: rc))
        } else {
            thread.withLock { $0 = handle }
        }
    }

    /// Asks the reader to end; `onEnd(nil)` follows from the reader thread. With
    /// `wait`, returns only after the thread has finished (do not call it with
    /// `wait` from inside `onLine`).
    public func stop(wait: Bool = true) {
        if !stopped.exchange(true, ordering: .acquiringAndReleasing) && wake.write >= 0 {
            var byte: UInt8 = 1
            _ = Glibc.write(wake.write, &byte, 1)
        }
        guard wait else { return }
        let joinable = thread.withLock { handle -> pthread_t? in
            guard let h = handle, pthread_equal(h, pthread_self()) == 0 else { return nil }
            handle = nil
            return h
        }
        if let joinable { pthread_join(joinable, nil) }
    }

    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    private func runLoop() {
        do throws(HTTPClientError) {
            let connection = try UnixConnection(path: client.socketPath, connectTimeout: client.connectTimeout)
            try connection.send(client.request(target))
            // The head comes at once; afterwards the stream may be quiet for hours.
            var reader = HTTPReader(connection: connection, timeoutMs: UnixHTTPClient.milliseconds(client.readTimeout),
                                    wakeFD: wake.read)
            let head = try reader.readHead()
            guard head.status == 200 else {
                var body: [UInt8] = []
                try? reader.readBody(head: head, limit: 1 << 16) { chunk throws(HTTPClientError) in body.append(contentsOf: chunk) }
                throw .malformedReply("status \(head.status) \(head.reason): \(String(decoding: body.prefix(200), as: UTF8.self))")
            }
            reader.timeoutMs = -1
            var line: [UInt8] = []
            let limit = client.maxBodyBytes
            try reader.readBody(head: head, limit: Int.max) { piece throws(HTTPClientError) in
                var rest = piece[...]
                while let lf = rest.firstIndex(of: UInt8(ascii: "\n")) {
                    line.append(contentsOf: rest[..<lf])
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    if !line.isEmpty && !isStopped { onLine(line) }
                    line.removeAll(keepingCapacity: true)
                    rest = rest[(lf + 1)...]
                }
                line.append(contentsOf: rest)
                if line.count > limit { throw .bodyTooLarge(limit: limit) }
            }
            if !line.isEmpty && !isStopped { onLine(line) }
            finish(isStopped ? nil : .closedEarly(path: client.socketPath))
        } catch {
            finish(isStopped ? nil : error)
        }
    }

    private func finish(_ error: HTTPClientError?) {
        let first = done.withLock { finished in
            defer { finished = true }
            return !finished
        }
        if first { onEnd(error) }
    }

    deinit {
        if wake.read >= 0 { Glibc.close(wake.read) }
        if wake.write >= 0 { Glibc.close(wake.write) }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
