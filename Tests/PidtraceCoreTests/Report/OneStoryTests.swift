import Testing
@testable import PidtraceCore

/// The story is built in one place: a recorded file read by `pidtrace summary` and the
/// same records fed live (typed, as a trace hands them over) must tell the same text,
/// and the live table's END row must explain each generation as the summary does.
@Suite("one story: the file path and the live path agree on the recorded fixtures")
struct OneStoryTests {
    /// The fixtures in this contract's full form (`restarts` was written by hand with
    /// fields an older pidtrace left out, which a live trace always has).
    static let fixtures = ["nginx-noexec-stop", "nginx-exec-stop", "nginx-noexec-restart", "crash-loop", "zombies",
                           "policy-loop-then-start", "stop-start-restart", "init-handles", "init-killed", "init-ignores",
                           "hup-exec-stop", "missing-entrypoint-teardown", "exec-failed-127", "entrypoint-missing",
                           "entrypoint-crlf", "podman-shared-pid", "cri-shared-pid-ignores", "entrypoint-missing-error",
                           "entrypoint-not-executable-error", "entrypoint-foreign-arch", "entrypoint-no-shebang-exec-failed"]

    @Test("summary text and JSON: the live story equals the file's", arguments: fixtures)
    func liveSummaryEqualsFileSummary(fixture: String) throws {
        let file = try ReportFixture.report(fixture)
        let live = try Self.liveStory(fixture).report()
        #expect(live.summaryText() == file.summaryText())
        #expect(String(decoding: live.summaryJSON(), as: UTF8.self) == String(decoding: file.summaryJSON(), as: UTF8.self))
        #expect(!file.generations.isEmpty)
    }

    @Test("each container generation is told once it has ended, with the summary's findings", arguments: fixtures)
    func endedGenerationsCarryTheSummaryFindings(fixture: String) throws {
        let file = try ReportFixture.report(fixture)
        var ended: [TraceReport.Generation] = []
        _ = try Self.liveStory(fixture, keepEnded: false) { ended.append($0) }
        let endedInFile = file.generations.filter { $0.container != nil && $0.end != nil }
        // Told in the order they end (two containers of one shared namespace end apart).
        let byEnd = endedInFile.sorted { ($0.end?.tsNs ?? 0) < ($1.end?.tsNs ?? 0) }
        #expect(ended.map(\.container) == byEnd.map(\.container))
        for (told, filed) in zip(ended, byEnd) {
            // Zombies are judged at the end of the recording, not of the generation.
            #expect(told.findings.filter { $0.kind != "zombies" } == filed.findings.filter { $0.kind != "zombies" })
            #expect(told.ending == filed.ending)
        }
    }

    @Test("PID 1 killed while a child lives on for a while: the generation waits for the teardown's kills")
    func aGenerationEndsWhenItsNamespaceIsGone() throws {
        var ended: [TraceReport.Generation] = []
        let (records, clock) = try TypedRecords.of(fixture: "nginx-noexec-stop")
        let story = StoryTracker(clock: clock, keepEnded: false)
        story.onEnded { ended.append($0) }
        var endedBeforeLastExit = false
        let lastExit = records.lastIndex { if case let .process(p) = $0, case .exit = p.detail { true } else { false } }!
        for (i, record) in records.enumerated() {
            story.add(record)
            if i < lastExit && !ended.isEmpty { endedBeforeLastExit = true }
        }
        #expect(ended.count == 1)
        #expect(!endedBeforeLastExit)
        // Told with the teardown: the children were killed when PID 1 died.
        #expect(ended.first?.findings.contains { $0.text.contains("the kernel killed them with SIGKILL when PID 1 died") } == true)
    }

    @Test("a run that never exec'd anything waits for the runtime's word: told with its error, not at its init's exit")
    func aRunThatNeverStartedWaitsForTheRuntime() throws {
        var ended: [TraceReport.Generation] = []
        let (records, clock) = try TypedRecords.of(fixture: "entrypoint-missing-error")
        let story = StoryTracker(clock: clock, keepEnded: false)
        story.onEnded { ended.append($0) }
        for record in records {
            if case let .runtimeEvent(r) = record, r.action == "start_failed" {
                #expect(ended.isEmpty, "told before the runtime said why")
            }
            story.add(record)
        }
        #expect(ended.count == 1)
        #expect(ended.first?.findings.first?.text.contains("the runtime could not run /app/server") == true)
    }

    @Test("the runtime says nothing (Podman keeps no error): the run is told when its grace runs out")
    func aRunThatNeverStartedIsToldAtTheGrace() throws {
        var ended: [TraceReport.Generation] = []
        let (records, clock) = try TypedRecords.of(fixture: "entrypoint-missing-error")
        let story = StoryTracker(clock: clock, keepEnded: false)
        story.onEnded { ended.append($0) }
        var exitNs: UInt64 = 0
        for record in records {
            if case let .containerExit(c) = record { exitNs = c.tsNs }
            if case .runtimeEvent = record { break }
            story.add(record)
        }
        story.tick(nowNs: exitNs + UInt64(ReportBuilder.endGraceNs) - 1)
        #expect(exitNs > 0 && ended.isEmpty)
        story.tick(nowNs: exitNs + UInt64(ReportBuilder.endGraceNs))
        #expect(ended.count == 1 && ended.first?.findings.first?.kind == "never_started")
    }

    @Test("a generation whose last exits were never recorded is told when its grace runs out, then forgotten")
    func aGenerationEndsAfterItsGrace() throws {
        var ended: [TraceReport.Generation] = []
        let (records, clock) = try TypedRecords.of(fixture: "nginx-noexec-stop")
        let story = StoryTracker(clock: clock, keepEnded: false)
        story.onEnded { ended.append($0) }
        var exitNs: UInt64 = 0
        for record in records {
            if case let .containerExit(c) = record { exitNs = c.tsNs }
            // The children's exits lost: nothing says the namespace is gone.
            if case let .process(p) = record, case .exit = p.detail, p.event.nsPID != 1 { continue }
            if case .stop = record { break }
            story.add(record)
        }
        #expect(exitNs > 0 && ended.isEmpty)
        story.tick(nowNs: exitNs + UInt64(ReportBuilder.endGraceNs) - 1)
        #expect(ended.isEmpty)
        story.tick(nowNs: exitNs + UInt64(ReportBuilder.endGraceNs))
        #expect(ended.count == 1)
        #expect(ended.first?.findings.first?.kind == "stop_timeout")
        #expect(story.report().generations.isEmpty, "an ended generation is not kept without --summary")
    }

    static func liveStory(_ fixture: String, keepEnded: Bool = true,
                          onEnded: ((TraceReport.Generation) -> Void)? = nil) throws -> StoryTracker {
        let (records, clock) = try TypedRecords.of(fixture: fixture)
        let story = StoryTracker(clock: clock, keepEnded: keepEnded)
        if let onEnded { story.onEnded(onEnded) }
        for record in records { story.add(record) }
        return story
    }
}
