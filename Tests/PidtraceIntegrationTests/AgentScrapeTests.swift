import Foundation
import Glibc
import Testing

/// A real Prometheus scraping the real `pidtrace agent` binary while real Docker
/// containers end in known ways; PromQL over its HTTP API against what happened, and
/// across a `kill -9` of the agent: its counters come back from the history.
@Suite(.serialized, .requires(.root))
struct AgentScrapeTests {
    /// `pidtrace agent` serving /metrics on `port`, its history in `stateDir`.
    static func agent(_ stateDir: String, port: UInt16) throws -> TracerRun {
        let agent = try TracerRun(["--state-dir", stateDir, "--metrics-address", "127.0.0.1:\(port)"], agent: true)
        // The start record is written once the programs are attached: ready by then.
        try waitUntil(timeout: 10, "/healthz 200") { (try? LoopbackHTTPClient.get("/healthz", port: port).status) == 200 }
        return agent
    }

    /// One sample per container of `query`, by container name.
    static func byContainer(_ prometheus: PrometheusServer, _ query: String) throws -> [String: Double] {
        Dictionary(try prometheus.query(query).map { ($0.labels["container"] ?? "", $0.value) }, uniquingKeysWith: +)
    }

    @Test func prometheusCountsTheEndsAndAKill9IsNoReset() throws {
        if let reason = DockerFixture.unavailableReason ?? PrometheusServer.unavailableReason {
            Issue.record("needs dockerd and prometheus: \(reason)")
            return
        }
        let dir = NSTemporaryDirectory() + "pidtrace-agent-scrape-\(UUID().uuidString.prefix(8))"
        let stateDir = dir + "/state"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = try freeLoopbackPort()
        var agent = try Self.agent(stateDir, port: port)
        let prometheus = try PrometheusServer(scraping: "127.0.0.1:\(port)", in: dir)
        defer { prometheus.stop() }

        let ignorer = try DockerContainer(AgentPodTests.ignoring)
        // Seen start once the agent's reader has caught up with its start (it first
        // follows every container on the host): then short-lived ones are not missed.
        try agent.waitFor("the first container followed", timeout: 30) { records in
            records.contains { $0.event == "container_start" && $0["container_id"] as? String == ignorer.id }
        }
        let failing = try DockerContainer(["sh", "-c", "sleep 0.5; exit 3"])
        let oom = try DockerContainer(["sh", "-c", "sleep 0.5; exec tail /dev/zero"], options: AgentTests.memoryLimit)
        let ours = [ignorer, failing, oom]
        let selector = "container=~\"\(ours.map(\.name).joined(separator: "|"))\""
        try agent.waitFor("the three containers followed", timeout: 15) { records in
            ours.allSatisfy { c in records.contains { $0.event == "container_start" && $0["container_id"] as? String == c.id } }
        }
        do {
            // Scraped at 0 first, so that `increase()` sees its step to 1.
            try waitUntil(timeout: 60, "Prometheus to scrape the SIGTERM-ignoring container at 0") {
                (try? prometheus.query("pidtrace_sigterm_ignored_total{container=\"\(ignorer.name)\"}"))?.first?.value == 0
            }
            _ = try DockerFixture.dockerOutput(["stop", "-t", "1", ignorer.id])
            try waitUntil(timeout: 60, "Prometheus to scrape the three ends") {
                (try? prometheus.query("sum(pidtrace_generation_ends_total{\(selector)})"))?.first?.value == 3
            }
        } catch {
            Issue.record("\(error); prometheus said: \(prometheus.log.suffix(3000))")
            throw error
        }
        #expect(try prometheus.query(#"up{job="pidtrace"}"#).map(\.value) == [1])

        let byRuntime = try Self.byContainer(prometheus,
            "sum by (container) (pidtrace_generation_ends_total{cause=\"runtime\",\(selector)})")
        #expect(byRuntime == [ignorer.name: 1], "\(byRuntime)")
        let ends = try prometheus.query("pidtrace_generation_ends_total{\(selector)}")
        let how = Dictionary(ends.map { ($0.labels["container"] ?? "", "\($0.labels["how"] ?? "") \($0.labels["cause"] ?? "")") },
                             uniquingKeysWith: { "\($0), \($1)" })
        #expect(how == [ignorer.name: "SIGKILL runtime", failing.name: "exit container", oom.name: "SIGKILL oom_killer"],
                "\(how)")
        #expect(ends.allSatisfy { $0.labels["runtime"] == "docker" && $0.labels["pod"] == nil }, "\(ends)")
        // Series of a followed container exist at 0 before any end of that kind.
        let ignored = try Self.byContainer(prometheus, "pidtrace_sigterm_ignored_total{\(selector)}")
        #expect(ignored == [ignorer.name: 1, failing.name: 0, oom.name: 0], "\(ignored)")
        let pid1OOM = try Self.byContainer(prometheus, "pidtrace_oom_kills_total{pid1=\"true\",\(selector)}")
        #expect(pid1OOM == [ignorer.name: 0, failing.name: 0, oom.name: 1], "\(pid1OOM)")
        let childOOM = try prometheus.query("sum(pidtrace_oom_kills_total{pid1=\"false\",\(selector)})")
        #expect(childOOM.first?.value == 0)
        let stops = try Self.byContainer(prometheus, "pidtrace_stop_duration_seconds_count{\(selector)}")
        #expect(stops[ignorer.name] == 1 && stops[failing.name] == nil, "\(stops)")
        let inOne = try Self.byContainer(prometheus, "pidtrace_stop_duration_seconds_bucket{le=\"1.0\",\(selector)}")
        let inTwoAndHalf = try Self.byContainer(prometheus, "pidtrace_stop_duration_seconds_bucket{le=\"2.5\",\(selector)}")
        #expect(inOne[ignorer.name] == 0 && inTwoAndHalf[ignorer.name] == 1, "docker stop -t 1: \(inOne) \(inTwoAndHalf)")

        // The exposition as served passes promtool.
        let served = try LoopbackHTTPClient.get("/metrics", port: port)
        #expect(served.status == 200)
        try served.body.write(toFile: dir + "/metrics.txt", atomically: true, encoding: .utf8)
        let lint = try ChildProcess.run("/bin/sh", ["-c", "\(PrometheusServer.promtool) check metrics < \(dir)/metrics.txt"],
                                        timeout: 30)
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "promtool: \(lint.stdout)\(lint.stderr)")

        // kill -9, then the same directory and port: the counters come back from the history.
        kill(agent.process.processIdentifier, SIGKILL)
        agent.process.waitUntilExit()
        try waitUntil(timeout: 30, "Prometheus to see the agent down") {
            (try? prometheus.query(#"up{job="pidtrace"}"#))?.first?.value == 0
        }
        agent = try Self.agent(stateDir, port: port)
        try waitUntil(timeout: 30, "Prometheus to scrape the restarted agent") {
            (try? prometheus.query(#"up{job="pidtrace"}"#))?.first?.value == 1
        }
        let restored = try LoopbackHTTPClient.get("/metrics", port: port).body
        for line in ["pidtrace_sigterm_ignored_total{container=\"\(ignorer.name)\",pod=\"\",namespace=\"\",runtime=\"docker\"} 1",
                     "pidtrace_oom_kills_total{container=\"\(oom.name)\",pod=\"\",namespace=\"\",runtime=\"docker\",pid1=\"true\"} 1",
                     "pidtrace_generation_ends_total{container=\"\(failing.name)\",pod=\"\",namespace=\"\",runtime=\"docker\","
                         + "how=\"exit\",cause=\"container\"} 1"] {
            #expect(restored.contains(line + "\n"), "not restored: \(line)")
        }
        #expect(try prometheus.query("sum(pidtrace_generation_ends_total{\(selector)})").first?.value == 3)
        // Prometheus saw no counter reset across the restart, and no increase either.
        let resets = try prometheus.query("sum(resets(pidtrace_generation_ends_total{\(selector)}[5m]))"
                                          + " + sum(resets(pidtrace_sigterm_ignored_total{\(selector)}[5m]))")
        #expect(resets.first?.value == 0, "\(resets)")
        let ignoredToday = try Self.byContainer(prometheus,
            "sum by (container) (increase(pidtrace_sigterm_ignored_total{\(selector)}[5m])) > 0")
        #expect(Set(ignoredToday.keys) == [ignorer.name], "\(ignoredToday)")
        try agent.stop()
    }
}
