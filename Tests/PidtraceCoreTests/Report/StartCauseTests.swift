import Testing
@testable import PidtraceCore

/// What started each generation, from the runtime's events (real Docker recordings):
/// only a restart policy's starts make a crash loop; deliberate starts keep their story.
@Suite("deliberate restarts and a restart policy's loop, told apart")
struct StartCauseTests {
    @Test("docker stop, start and restart three times: seven generations, each with its own story and cause")
    func deliberateRestartsAreNotALoop() throws {
        let report = try ReportFixture.report("stop-start-restart")
        let causes = report.generations.map(\.startedBy)
        #expect(causes == [.startRequest, .startRequest, .restartRequest, .startRequest, .restartRequest,
                           .startRequest, .restartRequest])
        let text = report.summaryText()
        #expect(!text.contains("loop"), "\(text)")
        #expect(text.components(separatedBy: "started by: a restart request to the runtime (`docker restart`)").count - 1 == 3)
        #expect(text.components(separatedBy: "it handled the request itself").count - 1 == 7, "\(text)")
    }

    @Test("a --restart=always loop is rolled up with the policy's restart counts; a docker start breaks it")
    func aPolicyLoopIsRolledUpAndAManualStartIsNot() throws {
        let report = try ReportFixture.report("policy-loop-then-start")
        #expect(report.generations.prefix(6).dropFirst().map(\.startedBy) == (1...5).map { .restartPolicy(count: $0) })
        #expect(report.generations[6].startedBy == .startRequest)
        #expect(report.generations[7].startedBy == .restartPolicy(count: 1))
        let text = report.summaryText()
        #expect(text.contains("generations 1–6: a crash loop, 6 generations"), "\(text)")
        #expect(text.contains("restarted by: the container's restart policy (restart 1–5)"), "\(text)")
        #expect(text.contains("  generation 7: ") && text.contains("started by: a start request to the runtime"), "\(text)")
        let json = String(decoding: report.summaryJSON(), as: UTF8.self)
        #expect(json.contains(#""started_by":"restart_policy","restart_count":1"#), "\(json)")
    }

    @Test("a recording without runtime events keeps rolling up alike generations")
    func withoutEventsTheLoopIsAsBefore() throws {
        let report = try ReportFixture.report("crash-loop")
        #expect(report.generations.allSatisfy { $0.startedBy == nil })
        #expect(report.summaryText().contains("a crash loop"))
    }
}

extension StartCauseTests {
    /// Three containers of one name, each `docker run` by a script and ending by itself.
    static func jobRuns(stopped: Bool) -> String {
        var lines: [String] = []
        for n in 1...3 {
            let t = n * 10_000_000_000, pid = 100 * n
            let labels = #""container_id":"\#(String(repeating: "\(n)", count: 12))","container_name":"job","container_generation":1"#
            let process = #""host_pid":\#(pid),"ns_pid":1,"pidns":4026532180"#
            lines.append(#"{"event":"container_start","time":"t","ts_ns":\#(t),\#(labels),\#(process)}"#)
            lines.append(#"{"event":"exec","time":"t","ts_ns":\#(t + 1),\#(process),"comm":"sh","argv":["sh","-c","work"],\#(labels)}"#)
            lines.append(#"{"event":"runtime_event","time":"t","ts_ns":\#(t + 2),"action":"start","restart_count":0,\#(labels)}"#)
            if stopped { lines.append(#"{"event":"runtime_event","time":"t","ts_ns":\#(t + 3),"action":"kill","signal":15,\#(labels)}"#) }
            lines.append(#"{"event":"exit","time":"t","ts_ns":\#(t + 1_000_000_000),\#(process),"exit_code":0,\#(labels)}"#)
            lines.append(#"{"event":"container_exit","time":"t","ts_ns":\#(t + 1_000_000_000),\#(process),"exit_code":0,\#(labels)}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("a job run again and again by docker run is one run after another, not a restart loop; stopped runs keep their stories")
    func runsStartedOnRequest() throws {
        let directory = TemporaryDirectory()
        let runs = try ReportFixture.report(text: Self.jobRuns(stopped: false), in: directory).summaryText()
        #expect(runs.contains("3 containers: one run after another, each started by a request to the runtime"), "\(runs)")
        #expect(!runs.contains("loop"), "\(runs)")
        let stopped = try ReportFixture.report(text: Self.jobRuns(stopped: true), in: directory).summaryText()
        #expect(stopped.components(separatedBy: "\n  generation 1: ").count - 1 == 3, "\(stopped)")
    }
}

/// A CRI runtime tells no start: a pod's container made again under its name is the
/// kubelet's restart, its first run and the pod's sandbox are not said to be.
@Suite struct PodRestartCauseTests {
    private func generation(_ number: Int, sandbox: Bool = false, start: Bool = false) -> TraceReport.Generation {
        var g = TraceReport.Generation()
        g.container = TraceReport.ContainerIdentity(id: "c\(number)", name: sandbox ? "POD" : "app", generation: number,
                                                    runtime: "containerd",
                                                    pod: PodMeta(name: "web", namespace: "shop", uid: "u", isSandbox: sandbox))
        if start {
            g.runtimeEvents = [TraceReport.RuntimeEvent(stamp: TraceReport.Stamp(time: nil, tsNs: 1), action: "start")]
        }
        return g
    }

    @Test func aRecreatedPodContainerIsTheKubeletsRestart() {
        #expect(generation(2).startedBy == .recreatedInPod)
        #expect(generation(1).startedBy == nil)
        #expect(generation(2, sandbox: true).startedBy == nil)
        #expect(generation(2, start: true).startedBy == .startRequest) // a runtime that says more is believed
        #expect(TraceReport.StartCause.recreatedInPod.name == "recreated_in_pod")
    }
}
