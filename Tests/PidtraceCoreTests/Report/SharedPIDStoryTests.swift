import Testing
@testable import PidtraceCore

/// Containers sharing a pod's PID namespace, from real recordings made on this machine:
/// `podman-shared-pid` (a `pod create --share pid`, catatonit as PID 1; container a's
/// shell handles SIGTERM, b's has no handler; both followed, `podman stop -t 3` each)
/// and `cri-shared-pid-ignores` (a containerd CRI pod with shareProcessNamespace; the
/// app's shell ignores SIGTERM, `trap '' TERM`; StopContainer with a 2 s grace period).
/// Each container's story is about its own init, never the namespace's PID 1.
@Suite("summary report: containers in a shared PID namespace")
struct SharedPIDStoryTests {
    @Test("Podman pod: each container's init (ns PID 6, 14), its own processes, no PID 1 rule")
    func podmanPod() throws {
        let report = try ReportFixture.report("podman-shared-pid")
        #expect(report.generations.map { $0.container?.name } == ["sp2-a", "sp2-b"])
        let a = report.generations[0], b = report.generations[1]
        #expect(a.initHostPID == 24781 && a.initNSPID == 6 && a.initJoinedNamespace)
        #expect(b.initHostPID == 24959 && b.initNSPID == 14)
        // catatonit (ns PID 1) is neither's; neither has the other's processes.
        for g in report.generations {
            #expect(!g.processes.contains { $0.process.nsPID == 1 })
        }
        #expect(Set(a.processes.map(\.process.hostPID)).isDisjoint(with: b.processes.map(\.process.hostPID)))
        #expect(a.ending == .exited(code: 0))
        #expect(a.findings.map(\.kind) == ["clean_stop"])
        #expect(a.findings[0].text.hasPrefix("The container's init (ns PID 6, sh -c "))
        #expect(a.findings[0].text.contains("and exited (code 0)"))
        // Not PID 1: without a handler, SIGTERM killed it (the kernel's rule for PID 1 is not said).
        guard case .killed(15, _, _, _)? = b.ending else { Issue.record("b: \(String(describing: b.ending))"); return }
        #expect(b.findings.first?.kind == "clean_stop")
        #expect(b.findings.first?.text.contains("died of SIGTERM") == true)
        let text = report.summaryText()
        #expect(text.contains("generation 1: init = host 24781, ns PID 6, pidns 4026532321 (a PID namespace shared"))
        #expect(text.contains("signal to init: SIGTERM"))
        #expect(!text.contains("PID 1 (") && !text.contains("PID 1 is not in the file") && !text.contains("still running"))
        #expect(!text.contains(Diagnosis.pid1Rule))
    }

    @Test("CRI pod, app ignores SIGTERM: its own choice, not PID 1's rule; the sandbox is PID 1 with its own processes")
    func criPodIgnoringSIGTERM() throws {
        let report = try ReportFixture.report("cri-shared-pid-ignores")
        let sandbox = try #require(report.generations.first { $0.container?.name == "POD" })
        let app = try #require(report.generations.first { $0.container?.name == "app" })
        #expect(sandbox.initNSPID == 1 && !sandbox.initJoinedNamespace && sandbox.pidns == app.pidns)
        #expect(app.initHostPID == 10739 && app.initNSPID == 8)
        #expect(Set(sandbox.processes.map(\.process.hostPID)) == [10636, 10650])
        #expect(!app.processes.contains { $0.process.hostPID == 10636 })
        let stop = try #require(app.findings.first)
        #expect(stop.kind == "stop_timeout")
        #expect(stop.text.hasPrefix("The container's init (ns PID 8, "))
        #expect(stop.text.contains("ignored SIGTERM from host PID 10881 (runc): it had set the signal to be ignored"))
        #expect(stop.text.contains("SIGKILL from host PID 10902 (runc) followed 2.0 s later"))
        #expect(!stop.text.contains(Diagnosis.pid1Rule))
        #expect(stop.fix?.hasPrefix("make the container's init stop ignoring SIGTERM") == true)
        let text = report.summaryText()
        #expect(text.contains("  generation 1: PID 1 = host 10636, pidns 4026532252\n"))
        #expect(text.contains("  generation 1: init = host 10739, ns PID 8, pidns 4026532252"))
        #expect(!text.contains("PID 1 = not seen") && !text.contains("PID 1 is not in the file"))
    }
}
