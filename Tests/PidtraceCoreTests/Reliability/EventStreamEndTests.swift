import Foundation
import Glibc
import Synchronization
import Testing
@testable import PidtraceCore

@Suite("events stream: a daemon that ends the stream is reported")
struct EventStreamEndTests {
    @Test("a clean end of the chunked body (daemon shutting down) is not mistaken for stop()")
    func cleanEndIsAnError() throws {
        let peer = try FakeUnixPeer { _, fd in
            FakeUnixPeer.send(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{\"a\":1}\n\r\n0\r\n\r\n")
        }
        let ended = DispatchSemaphore(value: 0)
        let end = Mutex<HTTPClientError??>(nil)
        let lines = Mutex<[String]>([])
        let stream = UnixHTTPClient(socketPath: peer.path).stream("/events", onLine: { line in
            lines.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
        }, onEnd: { error in
            end.withLock { $0 = .some(error) }
            ended.signal()
        })
        stream.start()
        #expect(ended.wait(timeout: .now() + 5) == .success)
        stream.stop()
        #expect(lines.withLock { $0 } == [#"{"a":1}"#])
        #expect(end.withLock { $0 } == .some(.closedEarly(path: peer.path)))
    }
}
