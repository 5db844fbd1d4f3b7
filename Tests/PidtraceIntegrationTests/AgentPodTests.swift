import Foundation
import Glibc
import Testing

/// `pidtrace agent` on a real containerd's CRI pods, made and stopped as the kubelet
/// does: nothing named, the pods found through the runtime's state on disk. The
/// history is checked line by line against what the test did to them.
@Suite(.serialized, .requires(.root))
struct AgentPodTests {
    /// PID 1 of the app sets SIGTERM to be ignored: only the SIGKILL after the grace ends it.
    static let ignoring = ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"]
    /// A job that fails: the kubelet re-creates it (a new container, attempt + 1).
    static let failing = ["sh", "-c", "sleep 0.3; exit 3"]
    /// The SIGKILL at the end of a 2 s grace, as the story words its delay (a loaded host
    /// adds some tens of ms).
    static var afterTheGrace: Regex<Substring> { #/2\.[0-2] s later/# }

    /// The agent, once it has caught up: at its start its reader first follows every
    /// container on the host (other suites' too), and a new container's ID comes from its
    /// init's /proc/PID/cgroup when its fork is read: an init gone by then (a 0.3 s job)
    /// would not be followed. A long-lived canary seen start says the reader is there.
    static func agent(_ stateDir: String, _ runtime: Containerd) throws -> (TracerRun, canary: CRIPod) {
        let agent = try TracerRun(["--state-dir", stateDir, "--metrics-address", "none", "--runtime-root", runtime.state],
                                  agent: true)
        let canary = try CRIPod(runtime)
        try waitForStart(agent, try canary.run("canary", PodTraceTests.busy))
        return (agent, canary)
    }

    static func entries(_ stateDir: String, of pod: CRIPod) throws -> [Record] {
        try AgentTests.history(stateDir).filter { $0["pod"] as? String == pod.name }
    }

    /// The agent's record stream shows the container's first process.
    static func waitForStart(_ agent: TracerRun, _ id: String) throws {
        try agent.waitFor("container \(id.prefix(12)) followed", timeout: 15) { records in
            records.contains { $0.event == "container_start" && $0["container_id"] as? String == id }
        }
    }

    @Test func podEndsAreInTheHistoryWithTheirPodAndGeneration() throws {
        let runtime = try ContainerdFixture.runtime()
        let stateDir = NSTemporaryDirectory() + "pidtrace-agent-pods-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let (agent, canary) = try Self.agent(stateDir, runtime)
        defer { withExtendedLifetime(canary) {} }

        // A stop through the CRI with a 2 s grace, as the kubelet stops a pod's container.
        let web = try CRIPod(runtime)
        let app = try web.run("app", Self.ignoring)
        try Self.waitForStart(agent, app)
        let appPID = try web.initPID(app)
        let appNS = try #require(Kernel.pidNamespace(appPID))
        try runtime.cri(["stop", app, "2"])

        // The kubelet's restart: the exited container stays (for `kubectl logs
        // --previous`) while the next attempt is created under the same name.
        let jobs = try CRIPod(runtime)
        let first = try jobs.run("job", attempt: 0, Self.failing)
        try DockerFixture.waitFor("the first attempt's end in the history", timeout: 20) {
            try Self.entries(stateDir, of: jobs).count == 1
        }
        let second = try jobs.run("job", attempt: 1, Self.failing)
        try DockerFixture.waitFor("both attempts' and the stop's ends in the history", timeout: 20) {
            try Self.entries(stateDir, of: jobs).count == 2 && Self.entries(stateDir, of: web).count == 1
        }
        try runtime.cri(["rm", first])
        let records = try agent.stop()
        // Each attempt's init as the agent saw it start.
        let initPIDs = [first, second].map { id in
            records.first { $0.event == "container_start" && $0["container_id"] as? String == id }?.int("host_pid")
        }

        let stopped = try Self.entries(stateDir, of: web)
        #expect(stopped.count == 1, "\(stopped)")
        let entry = try #require(stopped.first)
        #expect(entry["container_id"] as? String == app && entry["container_name"] as? String == "app", "\(entry)")
        #expect(entry["namespace"] as? String == "shop" && entry["pod_uid"] as? String == web.uid, "\(entry)")
        #expect(entry["runtime"] as? String == "containerd" && entry["observed"] as? Bool == true, "\(entry)")
        #expect(entry.int("container_generation") == 1, "\(entry)")
        #expect(entry.int("init_host_pid") == appPID && entry.int("pidns") == Int(appNS) && entry.int("init_ns_pid") == 1,
                "\(entry)")
        #expect((entry["exec_chain"] as? [[String]])?.first == Self.ignoring, "\(entry)")
        #expect(entry["how"] as? String == "SIGKILL" && entry.int("signal") == 9 && entry.int("exit_code") == nil, "\(entry)")
        #expect(entry["cause"] as? String == "runtime" && entry["sigterm_ignored"] as? Bool == true, "\(entry)")
        let delay = Double(entry.int("stop_delay_ns") ?? 0) / 1e9
        #expect(delay >= 1.9 && delay < 4, "the grace was 2 s: \(delay)")
        let headline = entry["headline"] as? String ?? ""
        #expect(headline.hasPrefix("PID 1 (sh) ignored SIGTERM from ") && headline.contains("; SIGKILL from ")
                && headline.contains(Self.afterTheGrace), "\(headline)")

        let attempts = try Self.entries(stateDir, of: jobs)
        #expect(attempts.compactMap { $0["container_id"] as? String } == [first, second], "\(attempts)")
        #expect(attempts.compactMap { $0.int("container_generation") } == [1, 2], "\(attempts)")
        #expect(attempts.map { $0.int("init_host_pid") } == initPIDs && !initPIDs.contains(nil), "\(attempts)")
        for attempt in attempts {
            #expect(attempt["container_name"] as? String == "job" && attempt["namespace"] as? String == "shop", "\(attempt)")
            #expect(attempt["pod_uid"] as? String == jobs.uid && attempt["runtime"] as? String == "containerd", "\(attempt)")
            #expect(attempt["how"] as? String == "exit" && attempt.int("exit_code") == 3, "\(attempt)")
            #expect(attempt["cause"] as? String == "container" && attempt["sigterm_ignored"] as? Bool == false, "\(attempt)")
            #expect((attempt["headline"] as? String ?? "").hasPrefix("PID 1 (sh) exited by itself with code 3 after "),
                    "\(attempt)")
        }
        // The pods' sandboxes still run: no entry for them.
        #expect((stopped + attempts).allSatisfy { $0["container_name"] as? String != "POD" })

        // The table, one pod's containers.
        let table = try DockerFixture.pidtrace(["history", "--pod", jobs.name, "--namespace", "shop", "--state-dir", stateDir])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains("\(jobs.name)/job (shop)") && $0.contains("exit 3") },
                "\(table.stdout)")

        // `why`: the story summary tells, by POD/NAME and namespace.
        let why = try DockerFixture.pidtrace(["why", "\(web.name)/app", "--namespace", "shop", "--state-dir", stateDir])
        #expect(why.status == 0, "\(why.stderr)")
        #expect(why.stdout.hasPrefix("container app (\(app.prefix(12))), pod \(web.name) in namespace shop: 1 generation "),
                "\(why.stdout)")
        #expect(why.stdout.contains("PID 1 = host \(appPID), pidns \(appNS)"), "\(why.stdout)")
        #expect(why.stdout.contains("ended: killed by SIGKILL"), "\(why.stdout)")
        #expect(why.stdout.contains("ignored SIGTERM from host PID") && why.stdout.contains(Self.afterTheGrace)
                && why.stdout.contains(" s later (the pod's grace period, `terminationGracePeriodSeconds`) and killed it."),
                "\(why.stdout)")
        #expect(why.stdout.contains("fix: make PID 1 exit on SIGTERM"), "\(why.stdout)")
        #expect(!why.stdout.contains("docker"), "a pod's fix names no docker flag: \(why.stdout)")

        let jobWhy = try DockerFixture.pidtrace(["why", "\(jobs.name)/job", "--namespace", "shop", "--state-dir", stateDir])
        #expect(jobWhy.status == 0, "\(jobWhy.stderr)")
        // The latest end: the re-created container, as the second generation of the name.
        #expect(jobWhy.stdout.hasPrefix("container job (\(second.prefix(12))), pod \(jobs.name) in namespace shop: "
                                        + "2 generations in the history\n  generation 2: PID 1 = host \(initPIDs[1] ?? 0), "),
                "\(jobWhy.stdout)")
        #expect(jobWhy.stdout.contains("ended: exit 3\n"), "\(jobWhy.stdout)")
        #expect(jobWhy.stdout.contains("exited by itself with code 3"), "\(jobWhy.stdout)")
        // By now the kubelet has re-created it: the output of the run that ended is the previous container's.
        #expect(jobWhy.stdout.contains("fix: look at the container's own output (`kubectl logs -n shop \(jobs.name) -c job "
                                       + "--previous` once the kubelet has restarted it) for why it exited with 3"),
                "\(jobWhy.stdout)")
        let firstWhy = try DockerFixture.pidtrace(["why", "\(jobs.name)/job", "--namespace", "shop", "--generation", "1",
                                                   "--state-dir", stateDir])
        #expect(firstWhy.stdout.contains("  generation 1: PID 1 = host \(initPIDs[0] ?? 0), "), "\(firstWhy.stdout)")
        let unknown = try DockerFixture.pidtrace(["why", "\(web.name)/nope", "--namespace", "shop", "--state-dir", stateDir])
        // (Which containers it lists depends on what else ended on this host's dockerd meanwhile.)
        #expect(unknown.status == 68 && unknown.stderr.contains("has no container '\(web.name)/nope'; it knows: "),
                "\(unknown.stderr)")
    }

    /// A pod that ran before the agent, and the kubelet's next attempt made after a
    /// `kill -9` of the agent: numbering goes on from the history (by namespace, pod and
    /// name, as the new attempt has a new ID), and what the agent saw start is told so.
    @Test func numberingGoesOnAcrossAKill9AndPodsBeforeTheAgent() throws {
        let runtime = try ContainerdFixture.runtime()
        let stateDir = NSTemporaryDirectory() + "pidtrace-agent-pods-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let early = try CRIPod(runtime)
        let running = try early.run("app", PodTraceTests.busy)
        let runningPID = try early.initPID(running)
        var (agent, canary) = try Self.agent(stateDir, runtime)
        try Self.waitForStart(agent, running)

        let jobs = try CRIPod(runtime)
        let first = try jobs.run("job", attempt: 0, Self.failing)
        try DockerFixture.waitFor("the first attempt's end in the history", timeout: 20) {
            try Self.entries(stateDir, of: jobs).count == 1
        }
        kill(agent.process.processIdentifier, SIGKILL)
        agent.process.waitUntilExit()
        #expect(try AgentTests.sqliteCheck(stateDir) == "ok")
        (agent, canary) = try Self.agent(stateDir, runtime)
        defer { withExtendedLifetime(canary) {} }
        // Running when the agent started again: followed from its snapshot.
        try Self.waitForStart(agent, running)
        try runtime.cri(["rm", first])
        let second = try jobs.run("job", attempt: 1, Self.failing)
        try runtime.cri(["stop", running, "5"])
        try DockerFixture.waitFor("the second attempt's and the early pod's ends", timeout: 20) {
            try Self.entries(stateDir, of: jobs).count == 2 && Self.entries(stateDir, of: early).count == 1
        }
        try agent.stop()

        let attempts = try Self.entries(stateDir, of: jobs)
        #expect(attempts.compactMap { $0["container_id"] as? String } == [first, second], "\(attempts)")
        #expect(attempts.compactMap { $0.int("container_generation") } == [1, 2], "\(attempts)")
        #expect(attempts.allSatisfy { $0["start_seen"] as? Bool == true && $0.int("exit_code") == 3 }, "\(attempts)")
        let stopped = try #require(try Self.entries(stateDir, of: early).first)
        #expect(stopped["container_id"] as? String == running && stopped.int("container_generation") == 1, "\(stopped)")
        #expect(stopped.int("init_host_pid") == runningPID && stopped["start_seen"] as? Bool == false, "\(stopped)")
        // Its PID 1 has a handler: SIGTERM ended it at once, well within the grace.
        #expect(stopped["how"] as? String == "exit" && stopped.int("exit_code") == 0, "\(stopped)")
        #expect(stopped["cause"] as? String == "runtime" && stopped["sigterm_ignored"] as? Bool == false, "\(stopped)")
        #expect((stopped.int("stop_delay_ns") ?? Int.max) < 1_000_000_000, "\(stopped)")
        let history = try DockerFixture.pidtrace(["history", "--container", "\(jobs.name)/job", "--namespace", "shop",
                                                  "--state-dir", stateDir])
        #expect(history.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true)[3] }
                == ["1", "2"], "\(history.stdout)")
    }

    /// shareProcessNamespace: the app's init joins the sandbox's PID namespace (no new
    /// namespace to notice), made after the agent started; stopped through the CRI.
    @Test func sharedPIDPodMadeAfterTheAgentStarted() throws {
        let runtime = try ContainerdFixture.runtime()
        let stateDir = NSTemporaryDirectory() + "pidtrace-agent-pods-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let (agent, canary) = try Self.agent(stateDir, runtime)
        defer { withExtendedLifetime(canary) {} }
        let pod = try CRIPod(runtime, sharedPID: true)
        let app = try pod.run("app", Self.ignoring)
        try Self.waitForStart(agent, app)
        let appPID = try pod.initPID(app), sandboxPID = try pod.initPID(pod.sandboxID)
        let appNS = try #require(Kernel.nsPIDs(appPID)?.last)
        try runtime.cri(["stop", app, "2"])
        try DockerFixture.waitFor("the app's end in the history", timeout: 20) {
            try Self.entries(stateDir, of: pod).contains { $0["container_name"] as? String == "app" }
        }
        // The pod deleted: containerd kills its sandbox (SIGKILL, no grace), an entry of its own.
        try runtime.cri(["stopp", pod.sandboxID])
        try DockerFixture.waitFor("the sandbox's end in the history", timeout: 20) {
            try Self.entries(stateDir, of: pod).count == 2
        }
        let records = try agent.stop()
        #expect(!records.contains { $0.int("host_pid") == sandboxPID && $0["container_name"] as? String == "app" })
        let entries = try Self.entries(stateDir, of: pod)
        #expect(entries.compactMap { $0["container_name"] as? String } == ["app", "POD"], "\(entries)")
        let sandbox = try #require(entries.last)
        #expect(sandbox["container_id"] as? String == pod.sandboxID && sandbox.int("init_host_pid") == sandboxPID, "\(sandbox)")
        #expect(sandbox["how"] as? String == "SIGKILL" && sandbox["cause"] as? String == "runtime", "\(sandbox)")
        #expect(sandbox["sigterm_ignored"] as? Bool == false && sandbox.int("init_ns_pid") == 1, "\(sandbox)")
        let entry = try #require(entries.first)
        #expect(entry["container_id"] as? String == app && entry.int("container_generation") == 1, "\(entry)")
        #expect(entry.int("init_host_pid") == appPID && entry.int("init_ns_pid") == appNS && appNS > 1, "\(entry)")
        #expect(entry["how"] as? String == "SIGKILL" && entry["cause"] as? String == "runtime", "\(entry)")
        #expect(entry["sigterm_ignored"] as? Bool == true, "\(entry)")
        let headline = entry["headline"] as? String ?? ""
        #expect(headline.hasPrefix("the container's init (sh) ignored SIGTERM from ") && headline.contains(Self.afterTheGrace),
                "\(headline)")
        let why = try DockerFixture.pidtrace(["why", "\(pod.name)/app", "--namespace", "shop", "--state-dir", stateDir])
        #expect(why.stdout.contains("init = host \(appPID), ns PID \(appNS)"), "\(why.stdout)")
        #expect(why.stdout.contains("it had set the signal to be ignored"), "\(why.stdout)")
    }
}
