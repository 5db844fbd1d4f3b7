import Testing
@testable import PidtraceCore

/// The exposition of generations from real recordings: exact lines, counts and labels.
@Suite struct AgentMetricsTests {
    typealias F = MetricsFixture

    @Test func restartsCountEachEndByHowAndCause() throws {
        let lines = F.lines(try F.metrics(fedWith: ["restarts"]))
        let web = F.labels("web")
        // Generation 1 exited by itself, 2 was stopped (SIGTERM ignored, SIGKILL from
        // dockerd a second later), 3 was OOM-killed.
        for line in ["pidtrace_generation_ends_total\(web),how=\"exit\",cause=\"container\"} 1",
                     "pidtrace_generation_ends_total\(web),how=\"SIGKILL\",cause=\"runtime\"} 1",
                     "pidtrace_generation_ends_total\(web),how=\"SIGKILL\",cause=\"oom_killer\"} 1",
                     "pidtrace_sigterm_ignored_total\(web)} 1",
                     "pidtrace_oom_kills_total\(web),pid1=\"true\"} 1"] {
            #expect(lines.contains(line), "missing: \(line)")
        }
        #expect(lines.filter { $0.hasPrefix("pidtrace_generation_ends_total{") }.count == 3)
        #expect(!lines.contains { $0.hasPrefix("pidtrace_") && $0.contains("pid1=\"false\"") })
    }

    @Test func theStopDurationLandsInItsBucket() throws {
        let lines = F.lines(try F.metrics(fedWith: ["restarts"]))
        let web = F.labels("web")
        // SIGTERM at 1011 s, the end at 1012 s: 1.0 s.
        let buckets = lines.filter { $0.hasPrefix("pidtrace_stop_duration_seconds_bucket\(web),") }
        #expect(buckets == [
            "0.1", "0.5", "1.0", "2.5", "5.0", "10.0", "11.0", "30.0", "31.0", "60.0", "120.0", "+Inf",
        ].map { le in "pidtrace_stop_duration_seconds_bucket\(web),le=\"\(le)\"} \(["0.1", "0.5"].contains(le) ? 0 : 1)" })
        #expect(lines.contains("pidtrace_stop_duration_seconds_sum\(web)} 1.0"))
        #expect(lines.contains("pidtrace_stop_duration_seconds_count\(web)} 1"))
    }

    @Test func aStopAtDockersTimeoutIsInTheElevenSecondBucket() throws {
        let lines = F.lines(try F.metrics(fedWith: ["hup-exec-stop"]))
        let c = F.labels("st-hx-14915", runtime: "docker")
        #expect(lines.contains("pidtrace_stop_duration_seconds_bucket\(c),le=\"10.0\"} 0"))
        #expect(lines.contains("pidtrace_stop_duration_seconds_bucket\(c),le=\"11.0\"} 1"))
        #expect(lines.contains("pidtrace_generation_ends_total\(c),how=\"SIGKILL\",cause=\"runtime\"} 1"))
        #expect(lines.contains("pidtrace_sigterm_ignored_total\(c)} 1"))
    }

    @Test func aPodsContainerIsLabelledWithItsPodAndNamespace() throws {
        let lines = F.lines(try F.metrics(fedWith: ["cri-shared-pid-ignores"]))
        let app = F.labels("app", pod: "cp1", namespace: "shop", runtime: "containerd")
        #expect(lines.contains("pidtrace_generation_ends_total\(app),how=\"SIGKILL\",cause=\"runtime\"} 1"))
        #expect(lines.contains("pidtrace_sigterm_ignored_total\(app)} 1"))
        // The sandbox did not end in the recording.
        #expect(!lines.contains { $0.contains("container=\"POD\"") })
    }

    @Test func aCrashLoopIsCountedWithoutAStop() throws {
        let lines = F.lines(try F.metrics(fedWith: ["policy-loop-then-start"]))
        #expect(lines.contains("pidtrace_generation_ends_total\(F.labels("loop-d4", runtime: "docker")),how=\"exit\",cause=\"container\"} 8"))
        #expect(!lines.contains { $0.hasPrefix("pidtrace_stop_duration_seconds") || $0.hasPrefix("pidtrace_sigterm_ignored") })
    }

    @Test func restoredEndsReadAsTheLiveOnesAndLiveEndsAddToThem() throws {
        let names = ["restarts", "hup-exec-stop", "cri-shared-pid-ignores", "policy-loop-then-start", "podman-shared-pid"]
        let live = try F.metrics(fedWith: names)
        let restored = AgentMetrics(sampler: F.sampler)
        restored.restore(try F.ends(names))
        // Series of one family come in the registry's order: compared as sets.
        #expect(Set(F.lines(restored)) == Set(F.lines(live)))
        #expect(F.lines(live).count > 40)

        let more = try #require(try ReportFixture.report("policy-loop-then-start").generations.first)
        restored.generationEnded(more)
        #expect(F.lines(restored).contains(
            "pidtrace_generation_ends_total\(F.labels("loop-d4", runtime: "docker")),how=\"exit\",cause=\"container\"} 9"))
    }

    @Test func restoreTakesPlainValuesAndSplitsOOMKills() {
        let metrics = AgentMetrics(sampler: F.sampler)
        let outcome = TraceReport.Outcome(how: "exit", exitCode: 0, cause: .container, headline: "PID 1 (app) exited by itself",
                                          sigtermIgnored: false, stopDelayNs: nil)
        let labels = ContainerLabels(container: "api", pod: "api-7d9f", namespace: "shop", runtime: "cri-o")
        metrics.restore([GenerationEnd(labels: labels, outcome: outcome, oomVictimsWerePID1: [false, false]),
                         GenerationEnd(labels: labels, outcome: outcome, oomVictimsWerePID1: [false])])
        let lines = F.lines(metrics)
        let api = F.labels("api", pod: "api-7d9f", namespace: "shop", runtime: "cri-o")
        #expect(lines.contains("pidtrace_oom_kills_total\(api),pid1=\"false\"} 3"))
        #expect(lines.contains("pidtrace_generation_ends_total\(api),how=\"exit\",cause=\"container\"} 2"))
        #expect(!lines.contains { $0.hasPrefix("pidtrace_") && $0.contains("pid1=\"true\"") })
    }

    @Test func aFollowedContainersKnownSeriesStartAtZero() throws {
        let metrics = AgentMetrics(sampler: F.sampler)
        metrics.containerFollowed(ContainerLabels(container: "st-hx-14915", runtime: "docker"))
        let c = F.labels("st-hx-14915", runtime: "docker")
        #expect(Set(F.lines(metrics).filter { $0.contains(c) }) == [
            "pidtrace_sigterm_ignored_total\(c)} 0",
            "pidtrace_oom_kills_total\(c),pid1=\"true\"} 0",
            "pidtrace_oom_kills_total\(c),pid1=\"false\"} 0",
            "pidtrace_unreaped_zombies\(c)} 0.0",
        ])
        for generation in try ReportFixture.report("hup-exec-stop").generations { metrics.generationEnded(generation) }
        #expect(F.lines(metrics).contains("pidtrace_sigterm_ignored_total\(c)} 1"))
    }

    @Test func zombiesAreAGaugeClearedAtTheEndAndGoneWithTheContainer() throws {
        let metrics = AgentMetrics(sampler: F.sampler)
        let web = ContainerLabels(container: "web")
        metrics.setUnreapedZombies(3, of: web)
        #expect(F.lines(metrics).contains("pidtrace_unreaped_zombies\(F.labels("web"))} 3.0"))
        for generation in try ReportFixture.report("restarts").generations { metrics.generationEnded(generation) }
        #expect(F.lines(metrics).contains("pidtrace_unreaped_zombies\(F.labels("web"))} 0.0"))
        metrics.containerRemoved(web)
        let lines = F.lines(metrics)
        #expect(!lines.contains { $0.hasPrefix("pidtrace_unreaped_zombies") })
        #expect(lines.contains("pidtrace_sigterm_ignored_total\(F.labels("web"))} 1"), "counters stay")
    }

    @Test func countersOfRemovedContainersStayUntilLaterRemovalsPushThemOut() {
        let metrics = AgentMetrics(sampler: F.sampler, keepRemoved: 2)
        let outcome = TraceReport.Outcome(how: "SIGKILL", exitCode: nil, cause: .host, headline: "",
                                          sigtermIgnored: false, stopDelayNs: 2_000_000_000)
        let names = ["a", "b", "c", "d"]
        metrics.restore(names.map { GenerationEnd(labels: ContainerLabels(container: $0), outcome: outcome, oomVictimsWerePID1: []) })
        metrics.containerRemoved(ContainerLabels(container: "a"))
        metrics.containerRemoved(ContainerLabels(container: "b"))
        // "a" is back (a new container under the same name): live again, not pushed out.
        metrics.restore([GenerationEnd(labels: ContainerLabels(container: "a"), outcome: outcome, oomVictimsWerePID1: [])])
        metrics.containerRemoved(ContainerLabels(container: "c"))
        metrics.containerRemoved(ContainerLabels(container: "d"))
        let lines = F.lines(metrics)
        let containers = names.filter { name in lines.contains { $0.contains("container=\"\(name)\"") } }
        #expect(containers == ["a", "c", "d"], "b, the oldest removal beyond 2, is gone")
        #expect(lines.contains("pidtrace_generation_ends_total\(F.labels("a")),how=\"SIGKILL\",cause=\"host\"} 2"))
    }

    @Test func aGenerationWithoutAContainerOrAnEndIsNotCounted() throws {
        let metrics = AgentMetrics(sampler: F.sampler)
        // zombies.ndjson: PID namespaces without containers; the last run of the loop is still going.
        for name in ["zombies", "policy-loop-then-start"] {
            for generation in try ReportFixture.report(name).generations where generation.container == nil || generation.outcome == nil {
                metrics.generationEnded(generation)
            }
        }
        #expect(!F.lines(metrics).contains { $0.hasPrefix("pidtrace_generation_ends_total") })
    }
}
