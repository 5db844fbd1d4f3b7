import Glibc
import Testing
@testable import PidtraceCore

/// The server on a real loopback socket: routes, /healthz before and after the agent
/// is ready, an address in use, and scrapers that never send or never read.
@Suite struct MetricsServerTests {
    private func server(limits: MetricsServer.Limits = .init()) throws -> MetricsServer {
        try MetricsServer(host: "127.0.0.1", port: 0, limits: limits) { Array("pidtrace_containers_followed 3.0\n".utf8) }
    }

    @Test func healthzIs503UntilTheAgentSaysItIsReadyThen200() throws {
        let s = try server()
        defer { s.stop() }
        let before = try LoopbackHTTP.get("/healthz", port: s.port)
        #expect(before.status == 503)
        #expect(before.body == "the BPF programs are not attached yet\n")
        s.ready = true
        let after = try LoopbackHTTP.get("/healthz", port: s.port)
        #expect(after.status == 200 && after.body == "ok\n")
    }

    @Test func metricsIsThePrometheusTextFormat() throws {
        let s = try server()
        defer { s.stop() }
        let r = try LoopbackHTTP.get("/metrics", port: s.port)
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(r.header("Content-Length") == "33")
        #expect(r.body == "pidtrace_containers_followed 3.0\n")
        // Prometheus may add query parameters; HEAD has the head alone.
        #expect(try LoopbackHTTP.get("/metrics?name[]=x", port: s.port).status == 200)
        let head = try LoopbackHTTP.get("/metrics", port: s.port, method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == "33")
    }

    @Test func otherPathsAndMethodsAndGarbage() throws {
        let s = try server()
        defer { s.stop() }
        #expect(try LoopbackHTTP.get("/", port: s.port).status == 404)
        #expect(try LoopbackHTTP.get("/metrics/x", port: s.port).status == 404)
        let post = try LoopbackHTTP.get("/metrics", port: s.port, method: "POST")
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
        #expect(try LoopbackHTTP.exchange("hello\r\n\r\n", port: s.port).status == 400)
        // A bare-LF head is a head too (curl and Prometheus send CRLF; a hand-typed one may not).
        #expect(try LoopbackHTTP.exchange("GET /metrics HTTP/1.0\n\n", port: s.port).status == 200)
        let huge = "GET /metrics HTTP/1.1\r\nX: " + String(repeating: "a", count: 9000)
        #expect(try LoopbackHTTP.exchange(huge, port: s.port).status == 431)
    }

    @Test func anAddressInUseIsItsOwnError() throws {
        let s = try server()
        defer { s.stop() }
        #expect {
            _ = try MetricsServer(host: "127.0.0.1", port: s.port) { [] }
        } throws: { error in
            guard let e = error as? MetricsServerError, case .addressInUse = e else { return false }
            return e.exitStatus.rawValue == 80 && e.description == "cannot serve metrics on 127.0.0.1:\(s.port): the address is in use "
                + "(another pidtrace agent, or another program, listens there); give another with --metrics-address, or none"
        }
        // An address that is not this host's: another status.
        #expect {
            _ = try MetricsServer(host: "192.0.2.1", port: 9464) { [] }
        } throws: { error in
            (error as? MetricsServerError)?.exitStatus == .osError && "\(error)".contains("bind failed: Cannot assign requested address")
        }
    }

    @Test func stuckScrapersHoldASlotUntilTheirDeadlineAndNoMore() throws {
        let s = try server(limits: .init(maxConnections: 2, replyTimeoutNs: 300_000_000))
        defer { s.stop() }
        // Two scrapers that connect and send nothing fill both slots.
        let stuck = try (0..<2).map { _ in try LoopbackHTTP.connect(port: s.port) }
        defer { stuck.forEach { close($0) } }
        let start = BootClock.nowBootNs()
        // The third waits in the backlog until the stuck ones are cut at their deadline.
        let r = try LoopbackHTTP.get("/metrics", port: s.port)
        let waitedMs = (BootClock.nowBootNs() - start) / 1_000_000
        #expect(r.status == 200)
        #expect(waitedMs >= 200 && waitedMs < 5000, "\(waitedMs) ms")
        // The server closed the stuck ones: they read end of file.
        var byte: UInt8 = 0
        for fd in stuck { #expect(read(fd, &byte, 1) == 0) }
    }

    @Test func stopEndsTheThreadAndFreesThePort() throws {
        let s = try server()
        let port = s.port
        s.stop()
        s.stop()
        #expect(throws: (any Error).self) { try LoopbackHTTP.get("/metrics", port: port) }
        let again = try MetricsServer(host: "127.0.0.1", port: port) { [] }
        again.stop()
        // Its thread let go of it: nothing is left running.
        weak var gone = again
        _ = consume again
        #expect(gone == nil)
    }
}
