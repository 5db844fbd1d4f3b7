import Foundation
import Glibc
import Testing

/// `pidtrace --pod` against a real containerd with its CRI plugin, pods made the way
/// the kubelet makes them: PIDs against /proc, shared and private PID namespaces, a
/// container re-created by the kubelet, --wait, an unknown pod.
@Suite(.serialized, .requires(.root))
struct PodTraceTests {
    /// A shell as PID 1 that keeps making children (an exec a second).
    static let busy = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]

    func trace(_ pod: CRIPod, _ extra: [String] = []) throws -> TracerRun {
        try TracerRun(["--pod", pod.name, "--namespace", pod.namespace, "--runtime-root", pod.runtime.state] + extra)
    }

    @Test func podOfTwoContainersHasTwoPID1s() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime)
        let app = try pod.run("app", Self.busy)
        let side = try pod.run("side", Self.busy)
        let tracer = try trace(pod)
        let records = try tracer.waitFor("an exec in each container", timeout: 15) { records in
            ["app", "side"].allSatisfy { name in
                records.contains { $0.event == "exec" && $0["container_name"] as? String == name }
            }
        }
        let starts = records.filter { $0.event == "container_start" }
        #expect(Set(starts.compactMap { $0["container_name"] as? String }) == ["POD", "app", "side"])
        for (name, id) in [("app", app), ("side", side)] {
            let start = try #require(starts.first { $0["container_name"] as? String == name })
            let initPID = try pod.initPID(id)
            #expect(start["container_id"] as? String == id)
            #expect(start.int("host_pid") == initPID)
            // Its own PID namespace: its init is PID 1 there, right against NSpid:.
            #expect(Kernel.nsPIDs(initPID)?.last == 1)
            let snapshot = try #require(records.first { $0.event == "snapshot" && $0.int("host_pid") == initPID })
            #expect(snapshot.ints("ns_pids") == Kernel.nsPIDs(initPID))
            #expect(snapshot.int("ns_pid") == 1 && snapshot["container_name"] as? String == name)
            let exec = try #require(records.first { $0.event == "exec" && $0["container_name"] as? String == name })
            #expect(exec.int("ns_ppid") == 1 && (exec.int("ns_pid") ?? 0) > 1)
            #expect(exec.int("pidns") == Kernel.pidNamespace(initPID))
        }
        #expect(Kernel.pidNamespace(try pod.initPID(app)) != Kernel.pidNamespace(try pod.initPID(side)))
        // The sandbox is the pod's infrastructure, not an app container.
        let sandbox = try #require(starts.first { $0["container_name"] as? String == "POD" })
        #expect(sandbox["pod_sandbox"] as? Bool == true && sandbox["container_id"] as? String == pod.sandboxID)
        #expect(starts.filter { $0["container_name"] as? String != "POD" }.allSatisfy { $0["pod_sandbox"] == nil })
        for record in records where record["container_id"] != nil {
            #expect(record["pod"] as? String == pod.name)
            #expect(record["namespace"] as? String == pod.namespace)
            #expect(record["pod_uid"] as? String == pod.uid)
            #expect(record["runtime"] as? String == "containerd")
        }
        try tracer.stop()
    }

    @Test func sharedPIDNamespaceHasTheSandboxAsPID1ReapingOrphans() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime, sharedPID: true)
        let tracer = try trace(pod)
        let marker = uniqueSleep()
        // The subshell exits at once: its `sleep` is an orphan, reparented to PID 1 of
        // the pod's namespace — the sandbox — which reaps it.
        let app = try pod.run("app", ["sh", "-c", "(sleep 0.5 &); exec sleep \(marker)"])
        let records = try tracer.waitFor("the orphan reaped", timeout: 15) { records in
            records.contains { $0.event == "reap" && $0["reparented_to_ns_init"] as? Bool == true }
        }
        let sandboxPID = try pod.initPID(pod.sandboxID), appPID = try pod.initPID(app)
        #expect(Kernel.nsPIDs(sandboxPID)?.last == 1)
        #expect(Kernel.pidNamespace(appPID) == Kernel.pidNamespace(sandboxPID))
        let appStart = try #require(records.first { $0.event == "container_start" && $0["container_name"] as? String == "app" })
        #expect(appStart.int("host_pid") == appPID && appStart["container_id"] as? String == app)
        #expect(appStart.int("ns_pid") == Kernel.nsPIDs(appPID)?.last && (appStart.int("ns_pid") ?? 1) > 1)
        // The app's entrypoint is not PID 1 of the shared namespace.
        let exec = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["sleep", marker] })
        #expect(exec["container_name"] as? String == "app" && exec.int("host_pid") == appPID)
        #expect((exec.int("ns_pid") ?? 1) > 1 && exec.ints("ns_pids") == Kernel.nsPIDs(appPID))
        let reap = try #require(records.first { $0.event == "reap" && $0["reparented_to_ns_init"] as? Bool == true })
        let reaper = try #require(reap["reaper"] as? [String: Any])
        #expect((reaper["host_pid"] as? NSNumber)?.intValue == sandboxPID)
        #expect((reaper["ns_pid"] as? NSNumber)?.intValue == 1)
        #expect(reap["container_name"] as? String == "app")
        try tracer.stop()
    }

    /// The case: a shareProcessNamespace pod whose app ignores SIGTERM, stopped
    /// through the CRI with a grace period as the kubelet does. The app's generation is
    /// its own init's (not pause's, PID 1): start and exit agree, and the story says it
    /// ignored SIGTERM by its own choice (not PID 1's rule), then SIGKILL.
    @Test func sharedPIDPodAppIgnoringSIGTERMStoppedThroughTheCRI() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime, sharedPID: true)
        let app = try pod.run("app", ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"])
        let tracer = try TracerRun(["--pod", pod.name, "--namespace", pod.namespace, "--runtime-root", pod.runtime.state],
                                   table: true)
        try tracer.waitFor("an exec in the app", timeout: 15) { records in
            records.contains { $0.event == "exec" && $0["container_name"] as? String == "app" }
        }
        let appPID = try pod.initPID(app), sandboxPID = try pod.initPID(pod.sandboxID)
        let appNS = try #require(Kernel.nsPIDs(appPID)?.last)
        #expect(appNS > 1 && Kernel.nsPIDs(sandboxPID)?.last == 1)
        try runtime.cri(["stop", app, "2"])
        let records = try tracer.waitFor("the app's container_exit", timeout: 15) { records in
            records.contains { $0.event == "container_exit" && $0["container_name"] as? String == "app" }
        }
        let start = try #require(records.first { $0.event == "container_start" && $0["container_name"] as? String == "app" })
        let exit = try #require(records.first { $0.event == "container_exit" && $0["container_name"] as? String == "app" })
        #expect(start.int("host_pid") == appPID && exit.int("host_pid") == appPID)
        #expect(start.int("ns_pid") == appNS && exit.int("ns_pid") == appNS)
        #expect(exit.int("signal") == 9)
        // pause (the sandbox's init) is the sandbox's, never the app's.
        #expect(!records.contains { $0.int("host_pid") == sandboxPID && $0["container_name"] as? String == "app" })
        let term = try #require(records.first { $0.event == "signal" && $0.int("signal") == 15 })
        #expect(term.int("host_pid") == appPID && term["result"] as? String == "ignored")
        let table = try tracer.waitForTable(containing: "container app generation 1 ended: killed by SIGKILL")
        #expect(table.contains("The container's init (ns PID \(appNS), sh -c "))
        #expect(table.contains("it had set the signal to be ignored"))
        #expect(!table.contains("gets only the signals it has a handler for"))
        try tracer.stop()
        let summary = try DockerFixture.pidtrace(["summary", tracer.outputPath])
        #expect(summary.stdout.contains("init = host \(appPID), ns PID \(appNS)"))
        #expect(summary.stdout.contains("PID 1 = host \(sandboxPID)"))
        #expect(!summary.stdout.contains("PID 1 = not seen") && !summary.stdout.contains("PID 1 is not in the file"))
        #expect(summary.stdout.contains("fix: make the container's init stop ignoring SIGTERM"))
    }

    /// A shell as PID 1 that runs its child without `exec`, stopped through the CRI as the
    /// kubelet stops it: the fix names what a pod can do (an init as the image's
    /// entrypoint), not a runtime's `--init` flag, which Kubernetes does not have.
    @Test func theFixForAPodIsAnInitInTheImage() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime)
        let marker = uniqueSleep()
        let app = try pod.run("app", ["sh", "-c", "sleep \(marker); true"])
        let tracer = try trace(pod)
        try tracer.waitFor("the sleep running", timeout: 15) { $0.contains { $0.strings("argv") == ["sleep", marker] } }
        try runtime.cri(["stop", app, "1"])
        try tracer.waitFor("the app's container_exit", timeout: 15) { records in
            records.contains { $0.event == "container_exit" && $0["container_name"] as? String == "app" }
        }
        usleep(300_000)
        try tracer.stop()
        let text = try DockerFixture.pidtrace(["summary", tracer.outputPath]).stdout
        #expect(text.contains("Never received SIGTERM: ") && text.contains("(sleep)"), "\(text)")
        #expect(text.contains("or make an init that forwards signals (such as tini: `tini -- COMMAND`) the image's entrypoint, "
            + "as a pod has no `--init`"), "\(text)")
        #expect(!text.contains("docker") && !text.contains("podman"), "\(text)")
    }

    @Test func psListsEachContainerOfASharedPIDPodApart() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime, sharedPID: true)
        let app = try pod.run("app", ["sleep", "600"])
        let r = try DockerFixture.pidtrace(["ps", "--pod", pod.name, "--runtime-root", runtime.state, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try DockerFixture.records(r.stdout)
        let appPID = try pod.initPID(app), sandboxPID = try pod.initPID(pod.sandboxID)
        let appRows = rows.filter { $0["container_name"] as? String == "app" }
        #expect(appRows.compactMap { ($0["host_pid"] as? NSNumber)?.intValue } == [appPID])
        #expect((appRows.first?["ns_pid"] as? NSNumber)?.intValue == Kernel.nsPIDs(appPID)?.last)
        let sandboxRows = rows.filter { $0["pod_sandbox"] as? Bool == true }
        #expect(sandboxRows.first.flatMap { ($0["host_pid"] as? NSNumber)?.intValue } == sandboxPID)
        #expect(!sandboxRows.contains { ($0["host_pid"] as? NSNumber)?.intValue == appPID })
    }

    @Test func containerReCreatedByTheKubeletIsTheNextGeneration() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime)
        let first = try pod.run("app", attempt: 0, Self.busy)
        let tracer = try trace(pod, ["--events", "exec,exit"])
        try tracer.waitFor("generation 1") { $0.contains { $0.event == "container_start" && $0["container_id"] as? String == first } }
        // The kubelet's restart: the container dies, a new one (new ID, attempt + 1) is made.
        try runtime.cri(["stop", first])
        try runtime.cri(["rm", first])
        let marker = uniqueSleep()
        let second = try pod.run("app", attempt: 1, ["sh", "-c", "exec sleep \(marker)"])
        let records = try tracer.waitFor("the new container's entrypoint", timeout: 15) { records in
            records.contains { $0.event == "exec" && $0.strings("argv") == ["sleep", marker] }
        }
        let starts = records.filter { $0.event == "container_start" && $0["container_name"] as? String == "app" }
        #expect(starts.compactMap { $0.int("container_generation") } == [1, 2])
        #expect(starts.compactMap { $0["container_id"] as? String } == [first, second])
        #expect(starts.last?.int("host_pid") == (try pod.initPID(second)))
        let exits = records.filter { $0.event == "container_exit" && $0["container_name"] as? String == "app" }
        #expect(exits.compactMap { $0.int("container_generation") } == [1])
        let exec = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["sleep", marker] })
        #expect(exec.int("container_generation") == 2 && exec.int("ns_pid") == 1)
        #expect(exec["pod"] as? String == pod.name)
        try tracer.stop()
    }

    @Test func waitsForAPodNotCreatedYet() throws {
        let runtime = try ContainerdFixture.runtime()
        let name = "later-\(UUID().uuidString.prefix(8).lowercased())"
        let tracer = try TracerRun(["--pod", name, "--namespace", "shop", "--wait", "--runtime-root", runtime.state])
        let pod = try CRIPod(runtime, name: name)
        let marker = uniqueSleep()
        let app = try pod.run("app", ["sh", "-c", "exec sleep \(marker)"])
        let records = try tracer.waitFor("the pod's entrypoint", timeout: 15) { records in
            records.contains { $0.event == "exec" && $0.strings("argv") == ["sleep", marker] }
        }
        let exec = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["sleep", marker] })
        #expect(exec["container_id"] as? String == app && exec["container_name"] as? String == "app")
        #expect(exec.int("host_pid") == (try pod.initPID(app)) && exec.int("ns_pid") == 1)
        #expect(exec["pod"] as? String == name && exec["namespace"] as? String == "shop")
        #expect(records.contains { $0.event == "container_start" && $0["container_id"] as? String == pod.sandboxID })
        try tracer.stop()
    }

    @Test func unknownPodIsAOneLineErrorListingThePods() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime)
        try pod.run("app", Self.busy)
        let r = try DockerFixture.pidtrace(["--pod", "no-such-pod", "--runtime-root", runtime.state, "--json"])
        #expect(r.status == 68)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("no pod 'no-such-pod'") && r.stderr.contains("shop/\(pod.name) (app)"))
        #expect(r.stdout.isEmpty)
        // An unknown container of a known pod, likewise.
        let c = try DockerFixture.pidtrace(["--container", "\(pod.name)/nope", "--runtime-root", runtime.state, "--json"])
        #expect(c.status == 68 && c.stderr.contains("shop/\(pod.name) (app)"))
    }

    @Test func psListsAPodsProcesses() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime)
        let app = try pod.run("app", Self.busy)
        let r = try DockerFixture.pidtrace(["ps", "--pod", pod.name, "--runtime-root", runtime.state, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let records = try DockerFixture.records(r.stdout)
        let initPID = try pod.initPID(app)
        let appInit = try #require(records.first { $0.int("host_pid") == initPID })
        #expect(appInit["container_name"] as? String == "app" && appInit.int("ns_pid") == 1)
        #expect(appInit["pod"] as? String == pod.name && appInit["runtime"] as? String == "containerd")
        #expect(records.contains { $0["container_id"] as? String == pod.sandboxID && $0["pod_sandbox"] as? Bool == true })
        let table = try DockerFixture.pidtrace(["ps", "--pod", pod.name, "--runtime-root", runtime.state])
        #expect(table.stdout.contains("shop/\(pod.name)/app"))
    }
}
