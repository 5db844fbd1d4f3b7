import Testing
@testable import PidtraceCore

/// The few words of a generation's end (history lines, metric labels), on real recordings.
@Suite struct GenerationOutcomeTests {
    private func outcomes(_ name: String) throws -> [TraceReport.Outcome] {
        try ReportFixture.report(name).generations.compactMap(\.outcome)
    }

    @Test func aStopTimeoutNamesTheIgnoredRequestAndTheKill() throws {
        let o = try #require(try outcomes("hup-exec-stop").first)
        #expect(o.how == "SIGKILL" && o.cause == .runtime && o.sigtermIgnored && o.exitCode == nil)
        #expect(o.headline == "PID 1 (sh) ignored SIGTERM from runc; SIGKILL from runc 10.0 s later")
        #expect((o.stopDelayNs ?? 0) > 10_000_000_000)
    }

    @Test func aCleanStopIsAnExitOnTheRuntimesRequest() throws {
        let o = try #require(try outcomes("nginx-exec-stop").first)
        #expect(o.how == "exit" && o.exitCode == 0 && o.cause == .runtime && !o.sigtermIgnored)
        #expect(o.headline.hasPrefix("PID 1 (nginx) exited with code 0 on SIGTERM from runc, "))
    }

    @Test func anExitWithoutARequestIsTheContainersOwn() throws {
        let all = try outcomes("policy-loop-then-start")
        #expect(all.count == 8) // the ninth run was still going
        #expect(all.allSatisfy { $0.how == "exit" && $0.exitCode == 3 && $0.cause == .container && $0.stopDelayNs == nil })
        #expect(all[0].headline.hasPrefix("PID 1 (sh) exited by itself with code 3 after "))
    }

    @Test func anOOMKillOfPID1IsTheOOMKillers() throws {
        let o = try #require(try outcomes("restarts").last)
        #expect(o.how == "SIGKILL" && o.cause == .oomKiller && o.headline == "PID 1 (leak) was killed by the OOM killer")
    }

    @Test func anEntrypointThatNeverRanIsSaidSo() throws {
        let o = try #require(try outcomes("entrypoint-missing").first)
        #expect(o.cause == .container && o.exitCode == 1)
        #expect(o.headline.hasPrefix("the entrypoint never started; PID 1 (runc:[2:INIT]) exited with code 1"))
        let refused = try #require(try outcomes("entrypoint-missing-error").first)
        #expect(refused.headline == "the entrypoint never started: the runtime could not run /app/server (there is no file at that "
            + "path in the container); exit 127", "\(refused.headline)")
        let failed = try #require(try outcomes("exec-failed-127").first)
        #expect(failed.headline == "PID 1 (sh) exited with code 127 after a failed exec")
    }

    @Test func aJoinedInitIsNotCalledPID1() throws {
        let o = try #require(try outcomes("cri-shared-pid-ignores").last)
        #expect(o.headline.hasPrefix("the container's init (sh) ignored SIGTERM from runc; SIGKILL from runc "))
        let podman = try outcomes("podman-shared-pid")
        #expect(podman.contains { $0.how == "SIGTERM" && $0.headline.hasPrefix("the container's init (sh) died of SIGTERM from runc") })
    }

    @Test func aRunningGenerationHasNoOutcome() throws {
        #expect(try ReportFixture.report("policy-loop-then-start").generations.last?.outcome == nil)
    }
}
