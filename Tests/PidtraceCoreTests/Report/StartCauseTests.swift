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
