import Foundation
import PidtraceCore
import Testing

/// The agent's /metrics scraped by a real Prometheus (Debian's), answered by PromQL
/// over its HTTP API, and checked by promtool; /healthz before and after readiness.
@Suite("/metrics scraped by a real Prometheus", .serialized, .requires(.prometheus))
final class MetricsScrapeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PidtraceCoreTests/Fixtures/ndjson").path
    let dir = NSTemporaryDirectory() + "pidtrace-prometheus-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    private func generations(_ name: String) throws -> [TraceReport.Generation] {
        try TraceReport.read(path: "\(Self.fixtures)/\(name).ndjson").generations
    }

    /// A container name with a quote, a backslash, a line feed and non-ASCII.
    static let odd = ContainerLabels(container: "odd \"name\" \\ with\nline ü", pod: "p-1", namespace: "ns", runtime: "docker")
    static let stopping = ContainerLabels(container: "st-hx-14915", runtime: "docker")

    /// As an agent restarted on a node: the history's ends restored, one container followed.
    private func agentMetrics() throws -> AgentMetrics {
        let metrics = AgentMetrics()
        let history = ["restarts", "nginx-noexec-restart", "cri-shared-pid-ignores", "policy-loop-then-start"]
        metrics.restore(try history.flatMap { try generations($0).compactMap(GenerationEnd.init) })
        let outcome = TraceReport.Outcome(how: "SIGKILL", exitCode: nil, cause: .oomKiller, headline: "", sigtermIgnored: false,
                                          stopDelayNs: nil)
        metrics.restore([GenerationEnd(labels: Self.odd, outcome: outcome, oomVictimsWerePID1: [true])])
        metrics.containerFollowed(Self.stopping)
        metrics.setContainersFollowed(6)
        metrics.recordsWritten(kind: "exec", count: 3)
        return metrics
    }

    @Test("healthz 503 then 200; Prometheus scrapes; PromQL names the containers; promtool passes the text")
    func scrapedByPrometheus() throws {
        let metrics = try agentMetrics()
        let server = try MetricsServer(host: "127.0.0.1", port: 0, metrics: metrics)
        defer { server.stop() }
        #expect(try LoopbackHTTPClient.get("/healthz", port: server.port).status == 503)
        server.ready = true
        #expect(try LoopbackHTTPClient.get("/healthz", port: server.port).status == 200)

        let prometheus = try PrometheusServer(scraping: "127.0.0.1:\(server.port)", in: dir)
        defer { prometheus.stop() }
        let seriesBefore = #"count_over_time(pidtrace_sigterm_ignored_total{container="st-hx-14915"}[1m])"#
        do {
            // Two scrapes of the followed container's counter at 0 before its stop.
            try waitUntil(timeout: 60, "Prometheus' first two scrapes") {
                (try? prometheus.query(seriesBefore))?.first.map { $0.value >= 2 } ?? false
            }
            #expect(try prometheus.query(#"up{job="pidtrace"}"#).map(\.value) == [1])
            // The stop at Docker's timeout: PID 1 ignored SIGTERM, SIGKILL 10 s later.
            for generation in try generations("hup-exec-stop") { metrics.generationEnded(generation) }
            try waitUntil(timeout: 30, "the scrape after the stop") {
                (try? prometheus.query(#"pidtrace_sigterm_ignored_total{container="st-hx-14915"}"#))?.first?.value == 1
            }
        } catch {
            Issue.record("\(error); prometheus said: \(prometheus.log.suffix(3000))")
            throw error
        }

        let byRuntime = try prometheus.query(#"sum by (container) (pidtrace_generation_ends_total{cause="runtime"})"#)
        #expect(Dictionary(uniqueKeysWithValues: byRuntime.map { ($0.labels["container"] ?? "", $0.value) })
            == ["web": 1, "web11": 2, "app": 1, "st-hx-14915": 1])

        // docs/metrics.md's question, over a minute instead of a day: the others ignored
        // SIGTERM too, but before this agent's first scrape.
        let ignored = try prometheus.query(
            "sum by (container, pod, namespace) (increase(pidtrace_sigterm_ignored_total[1m])) > 0")
        #expect(ignored.map { $0.labels } == [["container": "st-hx-14915"]])

        let buckets = try prometheus.query(#"pidtrace_stop_duration_seconds_bucket{container="st-hx-14915",le=~"10.0|11.0"}"#)
        #expect(Dictionary(uniqueKeysWithValues: buckets.map { ($0.labels["le"] ?? "", $0.value) }) == ["10.0": 0, "11.0": 1])

        let oom = try prometheus.query(#"pidtrace_oom_kills_total{namespace="ns"}"#)
        #expect(oom.map { $0.labels["pid1"] } == ["true"] && oom.first?.value == 1)
        #expect(oom.first?.labels["container"] == Self.odd.container, "the label value as it was")

        #expect(try prometheus.query("pidtrace_containers_followed").map(\.value) == [6])
        #expect(try prometheus.query("pidtrace_resident_memory_bytes > 1e6").count == 1)

        // promtool lints the text as served.
        let served = try LoopbackHTTPClient.get("/metrics", port: server.port)
        #expect(served.status == 200)
        try served.body.write(toFile: dir + "/metrics.txt", atomically: true, encoding: .utf8)
        let lint = try ChildProcess.run("/bin/sh", ["-c", "\(PrometheusServer.promtool) check metrics < \(dir)/metrics.txt"],
                                        timeout: 30)
        #expect(lint.status == 0, "promtool: \(lint.stdout)\(lint.stderr)")
        #expect(lint.stdout.isEmpty && lint.stderr.isEmpty, "promtool: \(lint.stdout)\(lint.stderr)")
    }

    @Test("promtool fails a broken exposition (the check above can fail)")
    func promtoolRejectsABrokenText() throws {
        try "# TYPE x counter\nx{a=\"unterminated} 1\n".write(toFile: dir + "/bad.txt", atomically: true, encoding: .utf8)
        let lint = try ChildProcess.run("/bin/sh", ["-c", "\(PrometheusServer.promtool) check metrics < \(dir)/bad.txt"], timeout: 30)
        #expect(lint.status != 0)
    }
}
