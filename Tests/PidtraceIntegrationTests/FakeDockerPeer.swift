import Foundation
import Glibc
import Synchronization

/// A stand-in Docker daemon on a real unix socket path, so that a pidtrace
/// subprocess can be pointed at it with `--docker-host`. One thread accepts
/// connections in turn; `handler` answers each request, and may keep the
/// connection open (the `/events` stream) by returning true. The test can then end
/// those streams and stop the peer, as a daemon that goes away would.
final class FakeDockerPeer: @unchecked Sendable {
    /// Gets the request target and the connection; returns whether to keep it open.
    typealias Handler = @Sendable (_ target: String, _ connection: Int32) -> Bool

    let directory: String
    var path: String { directory + "/docker.sock" }
    let targets = Mutex<[String]>([])
    private let listener: Int32
    private let held = Mutex<[Int32]>([])
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(handler: @escaping Handler) throws {
        var template = Array("/tmp/pidtrace-dockerpeer-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array((directory + "/docker.sock").utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw HarnessError("fake Docker peer: bind/listen failed") }
        Thread { [self] in serve(handler) }.start()
    }

    private func serve(_ handler: Handler) {
        defer { finished.signal() }
        while !stopping.load(ordering: .acquiring) {
            var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC) // not inherited by the tests' child processes
            let head = Self.readHead(fd)
            let target = head.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            targets.withLock { $0.append(target) }
            if handler(target, fd) {
                held.withLock { $0.append(fd) }
            } else {
                close(fd)
            }
        }
    }

    /// Whether a request for a target containing `fragment` has arrived.
    func received(_ fragment: String) -> Bool { targets.withLock { $0.contains { $0.contains(fragment) } } }

    /// Ends the connections kept open: `graceful` sends the last chunk first (a daemon
    /// shutting down cleanly), else the socket just closes (a daemon that died).
    func endStreams(graceful: Bool) {
        for fd in held.withLock({ fds in defer { fds.removeAll() }; return fds }) {
            if graceful { Self.send(fd, "0\r\n\r\n") }
            close(fd)
        }
    }

    /// Writes one line of JSON, as a chunk, on every stream kept open (an `/events` event).
    func sendEvent(_ json: String) {
        let line = json + "\n"
        let chunk = String(line.utf8.count, radix: 16) + "\r\n" + line + "\r\n"
        for fd in held.withLock({ $0 }) { Self.send(fd, chunk) }
    }

    /// Stops accepting and removes the socket: later connects find nothing there.
    func shutdown() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
        close(listener)
        unlink(path)
    }

    deinit {
        shutdown()
        endStreams(graceful: false)
        rmdir(directory)
    }

    static func readHead(_ fd: Int32) -> String {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 2000) > 0, read(fd, &byte, 1) == 1 else { break }
            head.append(byte)
        }
        return String(decoding: head, as: UTF8.self)
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    static func send(_ fd: Int32, _ text: String) { send(fd, Array(text.utf8)) }

    /// Blocks until the client closes its end (or `seconds` pass).
    static func waitForClose(_ fd: Int32, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        var scratch = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) >= 0 else { return }
            if pfd.revents != 0 && read(fd, &scratch, scratch.count) <= 0 { return }
        }
    }

    static func reply(status: Int = 200, reason: String = "OK", body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 \(status) \(reason)\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}

/// Replies recorded from a real dockerd (Tests/PidtraceCoreTests/Fixtures/docker),
/// with the identity of a real running container put in, so that its PID and
/// namespaces match /proc.
enum RecordedDockerReplies {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PidtraceCoreTests/Fixtures/docker")

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// A handler serving the container list, its inspect reply and an open events stream.
    static func handler(id: String, name: String, hostPID: Int, startedAt: String) throws -> FakeDockerPeer.Handler {
        guard var inspect = try json("container-web.json") as? [String: Any],
              var state = inspect["State"] as? [String: Any],
              var summary = (try json("containers-all.json") as? [[String: Any]])?.first else {
            throw HarnessError("unexpected fixture layout")
        }
        state["Pid"] = hostPID
        state["StartedAt"] = startedAt
        state["Running"] = true
        state["Status"] = "running"
        inspect["State"] = state
        inspect["Id"] = id
        inspect["Name"] = "/" + name
        summary["Id"] = id
        summary["Names"] = ["/" + name]
        summary["State"] = "running"
        let list = Array(try JSONSerialization.data(withJSONObject: [summary]))
        let detail = Array(try JSONSerialization.data(withJSONObject: inspect))
        let version = Array(try Data(contentsOf: fixtures.appendingPathComponent("version.json")))
        return { target, fd in
            let path = target.split(separator: "?").first.map(String.init) ?? target
            if path.hasSuffix("/events") {
                FakeDockerPeer.send(fd, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                return true
            }
            if path.hasSuffix("/containers/json") {
                FakeDockerPeer.send(fd, FakeDockerPeer.reply(body: list))
            } else if path.hasSuffix("/containers/\(id)/json") || path.hasSuffix("/containers/\(name)/json") {
                FakeDockerPeer.send(fd, FakeDockerPeer.reply(body: detail))
            } else if path.hasSuffix("/version") {
                FakeDockerPeer.send(fd, FakeDockerPeer.reply(body: version))
            } else {
                FakeDockerPeer.send(fd, FakeDockerPeer.reply(status: 404, reason: "Not Found",
                                                             body: Array(#"{"message":"No such container"}"#.utf8)))
            }
            return false
        }
    }
}
