import Foundation
import Glibc
import Synchronization
import Testing
@testable import PidtraceCore

@Suite("HTTP client over a unix socket")
struct UnixHTTPClientTests {
    @Test("GET with Content-Length: request line, Host header, body")
    func contentLength() throws {
        let body = try Fixture.bytes("docker/version.json")
        let peer = try FakeUnixPeer.routes(["/v1.41/version": (200, body)])
        let reply = try UnixHTTPClient(socketPath: peer.path).get("/v1.41/version")
        #expect(reply.status == 200)
        #expect(reply.reason == "OK")
        #expect(reply.header("Content-Type") == "application/json")
        #expect(reply.body == body)
        let request = peer.requests.withLock { $0.first } ?? ""
        #expect(request.hasPrefix("GET /v1.41/version HTTP/1.1\r\n"))
        #expect(request.contains("\r\nHost: localhost\r\n"))
        #expect(request.contains("\r\nConnection: close\r\n"))
    }

    @Test("chunked reply recorded from dockerd decodes to the JSON document")
    func recordedChunked() throws {
        let raw = try Fixture.bytes("docker/inspect-web-raw.http")
        let peer = try FakeUnixPeer { _, fd in FakeUnixPeer.send(fd, raw) }
        let reply = try UnixHTTPClient(socketPath: peer.path).get("/v1.41/containers/fixture-web/json")
        #expect(reply.header("transfer-encoding") == "chunked")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        #expect(json["Name"] as? String == "/fixture-web")
    }

    @Test("chunked body split at every byte, with chunk extensions and trailers")
    func chunkedByteAtATime() throws {
        let wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n,\r\nB\r\n 0123456789\r\n0\r\nX-Trailer: y\r\n\r\n"
        let peer = try FakeUnixPeer { _, fd in
            for byte in wire.utf8 { FakeUnixPeer.send(fd, [byte]) }
        }
        let reply = try UnixHTTPClient(socketPath: peer.path).get("/x")
        #expect(String(decoding: reply.body, as: UTF8.self) == "hello, 0123456789")
    }

    @Test("a body without length runs until the peer closes; 1xx replies are skipped")
    func untilClose() throws {
        let peer = try FakeUnixPeer { _, fd in
            FakeUnixPeer.send(fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it")
        }
        let reply = try UnixHTTPClient(socketPath: peer.path).get("/x")
        #expect(reply.status == 200)
        #expect(reply.body == Array("all of it".utf8))
    }

    @Test("non-2xx replies come back with their status and body")
    func errorStatus() throws {
        // dockerd's reply for a missing container, as recorded, served with its status.
        let body = try Fixture.bytes("docker/error-not-found.json")
        let peer = try FakeUnixPeer.routes(["/v1.41/containers/nope/json": (404, body)])
        let reply = try UnixHTTPClient(socketPath: peer.path).get("/v1.41/containers/nope/json")
        #expect(reply.status == 404)
        #expect(reply.body == body)
        #expect(String(decoding: reply.body, as: UTF8.self).trimmingCharacters(in: .newlines) == #"{"message":"No such container: nope"}"#)
    }

    @Test("garbage instead of a status line is a malformed reply", arguments: [
        "SSH-2.0-OpenSSH_9.2\r\n\r\n",
        "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    ])
    func garbage(_ wire: String) throws {
        let peer = try FakeUnixPeer { _, fd in FakeUnixPeer.send(fd, wire) }
        #expect {
            try UnixHTTPClient(socketPath: peer.path).get("/x")
        } throws: { error in
            guard case .malformedReply = error as? HTTPClientError else { return false }
            return true
        }
    }

    @Test("a reply cut inside its head is reported as closed early")
    func cutHead() throws {
        let peer = try FakeUnixPeer { _, fd in FakeUnixPeer.send(fd, "HTTP/1.1 200 OK\r\nContent-Le") }
        #expect(throws: HTTPClientError.closedEarly(path: peer.path)) {
            try UnixHTTPClient(socketPath: peer.path).get("/x")
        }
        let silent = try FakeUnixPeer { _, _ in }
        #expect(throws: HTTPClientError.closedEarly(path: silent.path)) {
            try UnixHTTPClient(socketPath: silent.path).get("/x")
        }
    }

    @Test("a Content-Length body cut short says how much arrived")
    func truncatedContentLength() throws {
        let peer = try FakeUnixPeer { _, fd in
            FakeUnixPeer.send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
        }
        #expect(throws: HTTPClientError.truncatedBody(expected: 100, received: 10)) {
            try UnixHTTPClient(socketPath: peer.path).get("/x")
        }
    }

    @Test("a chunked body cut short is truncated, not complete")
    func truncatedChunked() throws {
        let raw = try Fixture.bytes("docker/inspect-web-raw.http")
        let peer = try FakeUnixPeer { _, fd in FakeUnixPeer.send(fd, Array(raw.prefix(raw.count - 200))) }
        #expect {
            try UnixHTTPClient(socketPath: peer.path).get("/x")
        } throws: { error in
            guard case .truncatedBody(nil, _) = error as? HTTPClientError else { return false }
            return true
        }
    }

    @Test("bodies over the limit are refused, by Content-Length and while chunked")
    func bodyLimit() throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        let peer = try FakeUnixPeer { request, fd in
            if request.contains("/chunked") {
                var wire = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                for _ in 0..<5 { wire += Array("3e8\r\n".utf8) + big.prefix(1000) + Array("\r\n".utf8) }
                FakeUnixPeer.send(fd, wire + Array("0\r\n\r\n".utf8))
            } else {
                FakeUnixPeer.send(fd, FakeUnixPeer.reply(body: big))
            }
        }
        var client = UnixHTTPClient(socketPath: peer.path)
        client.maxBodyBytes = 4096
        #expect(throws: HTTPClientError.bodyTooLarge(limit: 4096)) { try client.get("/plain") }
        #expect(throws: HTTPClientError.bodyTooLarge(limit: 4096)) { try client.get("/chunked") }
        client.maxBodyBytes = 5000
        #expect(try client.get("/chunked").body.count == 5000)
    }

    @Test("a peer that goes quiet hits the read timeout")
    func slowPeer() throws {
        let peer = try FakeUnixPeer { _, fd in
            FakeUnixPeer.send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234")
            FakeUnixPeer.waitForClose(fd, seconds: 5)
        }
        var client = UnixHTTPClient(socketPath: peer.path)
        client.readTimeout = 0.3
        let started = Date()
        #expect(throws: HTTPClientError.timedOut(path: peer.path, operation: "read")) { try client.get("/x") }
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test("no socket file: socketMissing (ENOENT)")
    func missingSocket() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/docker.sock"
        #expect(throws: HTTPClientError.socketMissing(path: path)) { try UnixHTTPClient(socketPath: path).get("/x") }
        #expect(throws: HTTPClientError.socketMissing(path: "/nonexistent/dir/docker.sock")) {
            try UnixHTTPClient(socketPath: "/nonexistent/dir/docker.sock").get("/x")
        }
        #expect(HTTPClientError.socketMissing(path: path).description.contains("No such file or directory"))
    }

    @Test("a socket file nobody listens on: connectionRefused")
    func refused() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/dead.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(throws: HTTPClientError.connectionRefused(path: path)) { try UnixHTTPClient(socketPath: path).get("/x") }
    }

    @Test("a path too long for sockaddr_un is refused before connecting")
    func longPath() {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        #expect(throws: HTTPClientError.pathTooLong(path: path)) { try UnixHTTPClient(socketPath: path).get("/x") }
    }

    @Test("errors describe themselves with the errno text")
    func descriptions() {
        #expect(HTTPClientError.permissionDenied(path: "/s").description == "permission denied on /s (Permission denied)")
        #expect(HTTPClientError.truncatedBody(expected: 9, received: 3).description.contains("3 of 9 bytes"))
        #expect(HTTPClientError.timedOut(path: "/s", operation: "read").description == "timed out during read on /s")
    }
}

@Suite("HTTP line stream (events)")
struct HTTPLineStreamTests {
    final class Collected: Sendable {
        let lines = Mutex<[String]>([])
        let end = Mutex<HTTPClientError??>(nil)
        let ended = DispatchSemaphore(value: 0)

        func waitForLines(_ n: Int, seconds: Double = 5) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if lines.withLock({ $0.count }) >= n { return true }
                usleep(10_000)
            }
            return false
        }
    }

    func start(_ peer: FakeUnixPeer, _ collected: Collected) -> HTTPLineStream {
        let stream = UnixHTTPClient(socketPath: peer.path).stream("/events", onLine: { line in
            collected.lines.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
        }, onEnd: { error in
            collected.end.withLock { $0 = .some(error) }
            collected.ended.signal()
        })
        stream.start()
        return stream
    }

    @Test("recorded /events chunks arrive line by line; stop() ends the open stream")
    func recordedEventsThenStop() throws {
        let raw = try Fixture.bytes("docker/events-raw.http")
        let peer = try FakeUnixPeer { _, fd in
            // Uneven pieces, so lines and chunks straddle reads.
            var offset = 0
            while offset < raw.count {
                let n = min(97, raw.count - offset)
                FakeUnixPeer.send(fd, Array(raw[offset..<offset + n]))
                offset += n
                usleep(1000)
            }
            FakeUnixPeer.waitForClose(fd)
        }
        let collected = Collected()
        let stream = start(peer, collected)
        #expect(collected.waitForLines(9))
        let lines = collected.lines.withLock { $0 }
        #expect(lines.count == 9)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
        let started = Date()
        stream.stop()
        #expect(collected.ended.wait(timeout: .now() + 5) == .success)
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(collected.end.withLock { $0 } == .some(nil))
        #expect(stream.isStopped)
    }

    @Test("the daemon going away mid-stream ends it with an error")
    func peerDiesMidStream() throws {
        let peer = try FakeUnixPeer { _, fd in
            FakeUnixPeer.send(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{\"a\":1\r\n")
            FakeUnixPeer.send(fd, "2\r\n}\n\r\n9\r\n{\"b\":")
        }
        let collected = Collected()
        let stream = start(peer, collected)
        #expect(collected.ended.wait(timeout: .now() + 5) == .success)
        stream.stop()
        #expect(collected.lines.withLock { $0 } == [#"{"a":1}"#])
        let end = collected.end.withLock { $0 }
        guard case .some(.some(.truncatedBody)) = end else {
            Issue.record("expected a truncated body, got \(String(describing: end))")
            return
        }
    }

    @Test("a refused subscription reports the status and message")
    func badStatus() throws {
        let peer = try FakeUnixPeer { _, fd in
            FakeUnixPeer.send(fd, FakeUnixPeer.reply(status: 400, reason: "Bad Request", body: Array(#"{"message":"bad filter"}"#.utf8)))
        }
        let collected = Collected()
        let stream = start(peer, collected)
        #expect(collected.ended.wait(timeout: .now() + 5) == .success)
        stream.stop()
        let end = collected.end.withLock { $0 }
        guard case let .some(.some(.malformedReply(why))) = end else {
            Issue.record("expected an error, got \(String(describing: end))")
            return
        }
        #expect(why.contains("400") && why.contains("bad filter"))
    }

    @Test("no daemon: the stream ends at once with socketMissing")
    func noDaemon() {
        let collected = Collected()
        let stream = UnixHTTPClient(socketPath: "/nonexistent.sock").stream("/events", onLine: { _ in }, onEnd: { error in
            collected.end.withLock { $0 = .some(error) }
            collected.ended.signal()
        })
        stream.start()
        #expect(collected.ended.wait(timeout: .now() + 5) == .success)
        stream.stop()
        #expect(collected.end.withLock { $0 } == .some(.socketMissing(path: "/nonexistent.sock")))
    }

    @Test("stop() before any reply arrives ends without an error")
    func stopWhileWaitingForHead() throws {
        let peer = try FakeUnixPeer { _, fd in FakeUnixPeer.waitForClose(fd) }
        let collected = Collected()
        let stream = start(peer, collected)
        usleep(100_000)
        stream.stop()
        #expect(collected.ended.wait(timeout: .now() + 5) == .success)
        #expect(collected.end.withLock { $0 } == .some(nil))
    }
}
