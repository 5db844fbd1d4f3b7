import Foundation
import Glibc
import Synchronization

/// Files under Tests/PidtraceCoreTests/Fixtures (recorded from a real dockerd).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }
}

/// A fresh directory under /tmp, removed with the object.
final class TemporaryDirectory {
    let path: String

    init(_ prefix: String = "pidtrace-test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A peer on a unix socket that plays a scripted HTTP server: it accepts one
/// connection at a time on its own thread, reads the request head, records it, and
/// lets `handler` write whatever reply the test wants (or none), then closes.
final class FakeUnixPeer: @unchecked Sendable {
    typealias Handler = @Sendable (_ request: String, _ connection: Int32) -> Void

    let directory = TemporaryDirectory("pidtrace-peer")
    var path: String { directory.path + "/api.sock" }
    private let listener: Int32
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    let requests = Mutex<[String]>([])

    init(handler: @escaping Handler) throws {
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array((directory.path + "/api.sock").utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        let thread = Thread { [self] in serve(handler) }
        thread.start()
    }

    private func serve(_ handler: Handler) {
        defer { finished.signal() }
        while !stopping.load(ordering: .acquiring) {
            var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            let request = Self.readHead(fd)
            requests.withLock { $0.append(request) }
            handler(request, fd)
            close(fd)
        }
    }

    /// Stops accepting and waits for the serving thread (after its current handler).
    func shutdown() {
        if !stopping.exchange(true, ordering: .acquiringAndReleasing) {
            finished.wait()
            close(listener)
        }
    }

    deinit { shutdown() }

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
    static func waitForClose(_ fd: Int32, seconds: Double = 10) {
        let deadline = Date().addingTimeInterval(seconds)
        var scratch = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) >= 0 else { return }
            if pfd.revents != 0 && read(fd, &scratch, scratch.count) <= 0 { return }
        }
    }

    /// A complete reply with Content-Length.
    static func reply(status: Int = 200, reason: String = "OK", body: [UInt8],
                      contentType: String = "application/json") -> [UInt8] {
        Array("HTTP/1.1 \(status) \(reason)\r\nApi-Version: 1.41\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    /// A peer that answers GETs by exact request target: `routes[target] = (status, body)`;
    /// anything else gets Docker's 404 page-not-found reply.
    static func routes(_ routes: [String: (Int, [UInt8])]) throws -> FakeUnixPeer {
        try FakeUnixPeer { request, fd in
            let target = request.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            if let (status, body) = routes[target] {
                send(fd, reply(status: status, reason: status == 200 ? "OK" : "Error", body: body))
            } else {
                send(fd, reply(status: 404, reason: "Not Found", body: Array(#"{"message":"page not found"}"#.utf8)))
            }
        }
    }
}

/// A fake /proc tree: status, comm, cmdline, stat, cgroup and ns/pid per process.
/// Processes of one PID namespace share ns/pid through hard links, so they have
/// the same inode as in the real /proc.
final class FakeProc {
    let directory = TemporaryDirectory("pidtrace-proc")
    var root: String { directory.path }
    private var namespaces: [String: String] = [:]

    init() {
        mkdir(root + "/.ns", 0o755)
    }

    /// Adds a process; `pidns` names its PID namespace (processes with the same name share it).
    func add(pid: Int32, ppid: Int32, nspid: [UInt32], pidns: String, comm: String, argv: [String],
             cgroup: String = "0::/\n", startTicks: UInt64 = 1000) {
        let dir = "\(root)/\(pid)"
        mkdir(dir, 0o755)
        mkdir(dir + "/ns", 0o755)
        let status = """
            Name:\t\(comm)
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t\(pid)
            Pid:\t\(pid)
            PPid:\t\(ppid)
            Uid:\t0\t0\t0\t0
            Gid:\t0\t0\t0\t0
            NStgid:\t\(nspid.map(String.init).joined(separator: "\t"))
            NSpid:\t\(nspid.map(String.init).joined(separator: "\t"))

            """
        write(dir + "/status", status)
        write(dir + "/comm", comm + "\n")
        write(dir + "/cmdline", argv.map { $0 + "\0" }.joined())
        write(dir + "/cgroup", cgroup)
        write(dir + "/stat", "\(pid) (\(comm)) S \(ppid) " + (5...21).map { _ in "0" }.joined(separator: " ") + " \(startTicks) 0 0\n")
        link(namespaceFile(pidns), dir + "/ns/pid")
    }

    func remove(pid: Int32) { try? FileManager.default.removeItem(atPath: "\(root)/\(pid)") }

    func namespaceFile(_ name: String) -> String {
        if let path = namespaces[name] { return path }
        let path = "\(root)/.ns/\(name)"
        write(path, "")
        namespaces[name] = path
        return path
    }

    func inode(_ name: String) -> UInt32 {
        var st = stat()
        stat(namespaceFile(name), &st)
        return UInt32(truncatingIfNeeded: st.st_ino)
    }

    private func write(_ path: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }
}
