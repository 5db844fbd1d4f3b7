import Foundation
import Glibc
import Testing

/// Issue 11's scenario end to end with real nginx containers: pidtrace started first
/// with --wait, then `docker run`, `docker stop -t 3`, `docker start`, `docker stop -t 3`.
@Suite(.serialized, .requires(.nginxImages))
struct PID1StoryTests {
    /// Runs `pidtrace summary` (text, or `--json`) on the tracer's file.
    private func summary(_ tracer: TracerRun, _ extra: [String] = []) throws -> String {
        let r = try runPidtrace(["summary", tracer.outputPath] + extra)
        #expect(r.status == 0, "summary: \(r.stderr)")
        return r.stdout
    }

    private func runStopStartStop(_ image: NginxImage, live: Bool = false) throws -> (TracerRun, [Record], name: String) {
        try NginxImage.require()
        let name = "pidtrace-test-story-\(uniqueSleep())"
        let tracer = try TracerRun(["--container", name, "--wait"] + (live ? ["--summary"] : []), table: live)
        try DockerFixture.dockerOutput(["run", "-d", "--name", name, image.rawValue])
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        for round in 1...2 {
            if round == 2 { try DockerFixture.dockerOutput(["start", name]) }
            try DockerFixture.waitFor("nginx to answer (round \(round))", timeout: 15) {
                try DockerFixture.docker(["exec", name, "wget", "-qO-", "http://127.0.0.1:8080/"]).status == 0
            }
            // Both PID views of every live process against the kernel's NSpid: line.
            let pid1 = Int(try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Pid}}", name])) ?? 0
            let records = try tracer.waitFor("nginx's exec in round \(round)") { records in
                records.contains { $0.event == "exec" && $0.strings("argv")?.first == "nginx" && $0.int("container_generation") == round }
            }
            for r in records where r.event == "exec" && r.int("container_generation") == round {
                let hostPID = try #require(r.int("host_pid"))
                if let truth = Kernel.nsPIDs(hostPID), r.int("host_pid") == pid1 || r.int("ns_pid") != 1 {
                    #expect(r.ints("ns_pids") == truth, "\(r)")
                }
            }
            try DockerFixture.dockerOutput(["stop", "-t", "3", name])
        }
        usleep(300_000)
        return (tracer, try tracer.stop(), name)
    }

    @Test func entrypointWithoutExecIsExplained() throws {
        let (tracer, records, _) = try runStopStartStop(.noExec)
        let ts = records.compactMap { $0.int("ts_ns") }
        #expect(ts == ts.sorted(), "records out of ts_ns order")
        #expect(records.filter { $0.event == "container_start" }.compactMap { $0.int("container_generation") } == [1, 2])
        #expect(!records.contains { $0.event == "snapshot" }, "both generations were seen to begin")
        // The teardown kill of nginx is the kernel's, not the shell's.
        let kills = records.filter { $0.event == "signal" && $0["signal_name"] as? String == "SIGKILL" && $0.int("ns_pid") != 1 }
        #expect(!kills.isEmpty)
        #expect(kills.allSatisfy { $0["origin"] as? String == "pidns_teardown" }, "\(kills)")
        let stops = records.filter {
            $0.event == "signal" && $0.int("ns_pid") == 1 && ["SIGTERM", "SIGKILL"].contains($0["signal_name"] as? String)
        }
        #expect(stops.allSatisfy { $0["origin"] as? String == "process" && ($0["sender"] as? [String: Any])?["comm"] as? String == "runc" })
        #expect(stops.compactMap { $0["signal_name"] as? String } == ["SIGTERM", "SIGKILL", "SIGTERM", "SIGKILL"])

        let text = try summary(tracer)
        #expect(!text.contains("running at start") && !text.contains("(trace start)"), "\(text)")
        #expect(text.components(separatedBy: "ignored SIGTERM from host PID").count - 1 == 2, "\(text)")
        #expect(text.contains("(the stop timeout)"), "\(text)")
        #expect(text.contains("Never received SIGTERM: ") && text.contains("(nginx)"), "\(text)")
        #expect(text.contains("`exec nginx -g") && text.contains("docker run --init"), "\(text)")
        #expect(!text.contains("podman") && !text.contains("tini"), "Docker's own commands only: \(text)")
        let json = try JSONSerialization.jsonObject(with: Data(try summary(tracer, ["--json"]).utf8)) as? [String: Any]
        let generations = try #require(json?["generations"] as? [[String: Any]])
        #expect(generations.count == 2)
        for g in generations {
            let findings = g["findings"] as? [[String: Any]] ?? []
            #expect(findings.compactMap { $0["kind"] as? String } == ["stop_timeout", "never_got_sigterm"])
        }
        // ~3 s between SIGTERM and SIGKILL to PID 1, as `docker stop -t 3` asked.
        let delays = zip(stops.filter { $0["signal_name"] as? String == "SIGTERM" }, stops.filter { $0["signal_name"] as? String == "SIGKILL" })
            .map { Double(($1.int("ts_ns") ?? 0) - ($0.int("ts_ns") ?? 0)) / 1e9 }
        #expect(delays.count == 2 && delays.allSatisfy { $0 > 2.8 && $0 < 4 }, "\(delays)")

        let tree = try runPidtrace(["tree", tracer.outputPath]).stdout
        let pid1Nodes = tree.split(separator: "\n").filter { $0.first?.isNumber == true && $0.contains("/1 ") }
        #expect(pid1Nodes.count == 2, "\(tree)")
    }

    /// One story: the live table's END rows, the live `--summary` and `summary FILE`.
    @Test func theLiveStoryIsTheFilesStory() throws {
        let (tracer, _, name) = try runStopStartStop(.noExec, live: true)
        let file = try summary(tracer)
        let live = tracer.stderrText()
        #expect(live.contains(file), "live --summary:\n\(live)\nsummary FILE:\n\(file)")
        // Each END row explains its generation with the summary's "what happened" lines,
        // told after the teardown (so with the kernel's kills of nginx).
        let table = tracer.tableText()
        let explained = table.components(separatedBy: "\n").filter { $0.hasPrefix("             ▸ ") }
            .map { String($0.dropFirst(15)) }
        let happened = file.components(separatedBy: "\n").filter { $0.hasPrefix("    what happened: ") }
            .map { String($0.dropFirst(19)) }
        #expect(table.components(separatedBy: "container \(name) generation ").count - 1 == 4, "\(table)")
        #expect(explained.count == 4 && happened.count == 4, "\(table)\n\(file)")
        for (row, line) in zip(explained, happened) {
            #expect(row.hasPrefix(line), "\(row)\n\(line)")
        }
        #expect(explained.filter { $0.contains("the kernel killed them with SIGKILL when PID 1 died") }.count == 2, "\(table)")
        // An END row comes after the teardown's last exit in its generation.
        let rows = table.components(separatedBy: "\n")
        for end in rows.indices where rows[end].contains(" END ") {
            let generation = rows[..<end].filter { $0.contains(" exit ") && $0.contains("killed by SIGKILL") }
            #expect(!generation.isEmpty, "\(table)")
        }
    }

    @Test func entrypointWithExecStopsCleanly() throws {
        let (tracer, records, _) = try runStopStartStop(.exec)
        let ts = records.compactMap { $0.int("ts_ns") }
        #expect(ts == ts.sorted(), "records out of ts_ns order")
        let text = try summary(tracer)
        #expect(text.contains("exec: /bin/sh /start-exec.sh → nginx -g"), "\(text)")
        #expect(text.components(separatedBy: "received SIGTERM from host PID").count - 1 == 2, "\(text)")
        #expect(text.contains("it handled the request itself"), "\(text)")
        #expect(!text.contains("Never received") && !text.contains("stop timeout") && !text.contains("running at start"), "\(text)")
    }

    /// The container's PID 1 has a SIGTERM handler (bit 15 of SigCgt in /proc/PID/status).
    static func waitUntilPID1CatchesSIGTERM(_ container: String) throws {
        try DockerFixture.waitFor("\(container)'s PID 1 to handle SIGTERM", timeout: 15) {
            guard let pid = Int(try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Pid}}", container])), pid > 0,
                  let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
                  let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask & (1 << 14) != 0
        }
    }

    /// docker stop, start and restart, three times, of an nginx that exits on SIGTERM:
    /// deliberate restarts, each its own generation with its own story, never a loop.
    @Test func deliberateRestartsAreNotALoop() throws {
        try NginxImage.require()
        let name = "pidtrace-test-restarts-\(uniqueSleep())"
        let tracer = try TracerRun(["--container", name, "--wait"])
        try DockerFixture.dockerOutput(["run", "-d", "--name", name, NginxImage.exec.rawValue])
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        // Each stop only once nginx handles SIGTERM: sent earlier, PID 1 has no handler yet
        // and ignores it (a true story, but not this test's).
        for _ in 1...3 {
            try Self.waitUntilPID1CatchesSIGTERM(name)
            try DockerFixture.dockerOutput(["stop", "-t", "3", name])
            try DockerFixture.dockerOutput(["start", name])
            try Self.waitUntilPID1CatchesSIGTERM(name)
            try DockerFixture.dockerOutput(["restart", "-t", "3", name])
        }
        try Self.waitUntilPID1CatchesSIGTERM(name)
        try DockerFixture.dockerOutput(["stop", "-t", "3", name])
        try tracer.waitFor("the last generation's end", timeout: 15) {
            $0.filter { $0.event == "container_exit" }.count == 7
                && $0.filter { $0.event == "runtime_event" && $0["action"] as? String == "restart" }.count == 3
        }
        usleep(300_000)
        try tracer.stop()
        let text = try summary(tracer)
        #expect(!text.contains("loop"), "\(text)")
        #expect(text.components(separatedBy: "\n  generation ").count - 1 == 7, "\(text)")
        #expect(text.components(separatedBy: "started by: a start request to the runtime").count - 1 == 4, "\(text)")
        #expect(text.components(separatedBy: "started by: a restart request to the runtime").count - 1 == 3, "\(text)")
        #expect(text.components(separatedBy: "it handled the request itself").count - 1 == 7, "\(text)")
        #expect(!text.contains("restart policy ("), "\(text)")
    }

    /// A crash loop traced for 20 s; then a second tracer started on the looping
    /// container without --wait (the runtime's answer may name a PID 1 already gone).
    @Test func crashLoopIsRolledUp() throws {
        try NginxImage.require()
        let name = "pidtrace-test-loop-\(uniqueSleep())"
        let tracer = try TracerRun(["--container", name, "--wait"])
        try DockerFixture.dockerOutput(["run", "-d", "--restart=always", "--name", name, DockerFixture.image,
                                        "sh", "-c", "echo crashing; exit 1"])
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        usleep(12_000_000)
        var late: TracerRun?
        for _ in 0..<40 where late == nil {
            late = try? TracerRun(["--container", name])
            if late == nil { usleep(100_000) }
        }
        usleep(8_000_000)
        // Stop the loop, wait until the container is down, then stop tracing: every
        // generation has ended.
        // Docker refuses the update while the container waits to be restarted
        // ("container is not running"): asked again until one lands between restarts.
        try DockerFixture.waitFor("the restart policy to change", timeout: 30) {
            (try? DockerFixture.dockerOutput(["update", "--restart=no", name])) != nil
        }
        try DockerFixture.waitFor("the loop to stop", timeout: 30) {
            try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Running}}", name]) == "false"
        }
        usleep(300_000)
        let records = try tracer.stop()
        let starts = records.filter { $0.event == "container_start" }.count
        #expect(starts >= 4, "a crash loop in 20 s")
        let text = try summary(tracer)
        #expect(text.contains("generations 1–\(starts): a crash loop, \(starts) generations in "), "\(text)")
        #expect(text.contains("each exit 1 after ~") && text.contains("exited by itself with code 1"), "\(text)")
        // The count is Docker's when pidtrace asked, right after each start: a quick crash
        // may have been restarted once more by then, so the first can read 2.
        #expect(text.contains("restarted by: the container's restart policy (restart "), "\(text)")
        #expect(!text.contains("still running") && !text.contains("running at start"), "\(text)")
        if let late {
            _ = try late.stop()
            let lateText = try summary(late)
            #expect(!lateText.contains("still running"), "\(lateText)")
        }
    }

    // MARK: - docker run --init (docker-init as PID 1): the app's own answer to the forwarded SIGTERM

    /// Traces a `docker run --init` of busybox running `command`, waits for the app's exec, then `docker stop -t 3`.
    private func stopWithInit(_ command: [String]) throws -> (text: String, kinds: [String]) {
        try NginxImage.require()
        let name = "pidtrace-test-init-\(uniqueSleep())"
        let tracer = try TracerRun(["--container", name, "--wait"])
        try DockerFixture.dockerOutput(["run", "-d", "--init", "--name", name, DockerFixture.image] + command)
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        _ = try tracer.waitFor("the app's exec under docker-init") { records in
            records.contains { $0.event == "exec" && $0.int("ns_pid") != 1 && $0.strings("argv")?.first == command[0] }
        }
        usleep(500_000)
        try DockerFixture.dockerOutput(["stop", "-t", "3", name])
        usleep(300_000)
        _ = try tracer.stop()
        let text = try summary(tracer)
        let json = try JSONSerialization.jsonObject(with: Data(try summary(tracer, ["--json"]).utf8)) as? [String: Any]
        let g = try #require((json?["generations"] as? [[String: Any]])?.first)
        let kinds = (g["findings"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(text.contains("exec: /sbin/docker-init -- "), "\(text)")
        #expect(text.contains("), an init (docker-init), received SIGTERM from host PID ") && text.contains("(runc) and forwarded it "), "\(text)")
        #expect(!text.contains("handled the request itself") && !text.contains("--init"), "\(text)")
        return (text, kinds)
    }

    @Test func initWithAnAppThatHandlesSIGTERM() throws {
        let (text, kinds) = try stopWithInit(["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"])
        #expect(kinds == ["clean_stop"], "\(text)")
        #expect(text.contains(" to the app, host ") && text.contains("(sh). The app handled it: it exited (code 0) "), "\(text)")
        #expect(text.contains("    ended: exit 0\n"), "\(text)")
    }

    @Test func initWithAnAppKilledBySIGTERM() throws {
        let (text, kinds) = try stopWithInit(["sleep", "1000"])
        #expect(kinds == ["clean_stop"], "\(text)")
        #expect(text.contains("(sleep). The app had no handler and died of SIGTERM "), "\(text)")
        #expect(text.contains("PID 1 then exited with code 143 (128 + 15: how a shell or an init reports a child killed by SIGTERM)"), "\(text)")
        #expect(text.contains("    ended: exit 143 (128 + 15: how a shell or an init reports a child killed by SIGTERM)\n"), "\(text)")
    }

    @Test func initWithAnAppThatIgnoresSIGTERM() throws {
        let (text, kinds) = try stopWithInit(["sh", "-c", "trap '' TERM; while :; do sleep 1; done"])
        #expect(kinds == ["stop_timeout"], "\(text)")
        #expect(text.contains("(sh). The app ignored it: SIGKILL from host PID "), "\(text)")
        #expect(text.range(of: #"followed [23]\.[0-9] s later \(the stop timeout\) and killed PID 1; the kernel then killed the app"#,
                           options: .regularExpression) != nil, "\(text)")
        #expect(text.contains("fix: make the app (`sh -c ") && text.contains("`) exit on SIGTERM: docker-init passes it on, but the app ignores it"), "\(text)")
    }

    /// An unrelated `docker kill -s HUP`, a `docker exec -d sleep`, then `docker stop -t 4`: the stop is
    /// told by its own SIGTERM and SIGKILL, the fix names nginx, not the exec'd sleep.
    @Test func earlierSignalAndDockerExecThenStop() throws {
        try NginxImage.require()
        let name = "pidtrace-test-hupexec-\(uniqueSleep())"
        let tracer = try TracerRun(["--container", name, "--wait"])
        try DockerFixture.dockerOutput(["run", "-d", "--name", name, NginxImage.noExec.rawValue])
        defer { _ = try? DockerFixture.docker(["rm", "-f", name]) }
        _ = try tracer.waitFor("nginx's exec") { $0.contains { $0.event == "exec" && $0.strings("argv")?.first == "nginx" } }
        try DockerFixture.dockerOutput(["kill", "-s", "HUP", name])
        try DockerFixture.dockerOutput(["exec", "-d", name, "sleep", "1000"])
        _ = try tracer.waitFor("the docker exec") { $0.contains { $0.event == "exec" && $0.strings("argv") == ["sleep", "1000"] } }
        usleep(1_500_000)
        try DockerFixture.dockerOutput(["stop", "-t", "4", name])
        usleep(300_000)
        let records = try tracer.stop()
        #expect(records.contains { $0.event == "signal" && $0.int("ns_pid") == 1 && $0["signal_name"] as? String == "SIGHUP" })
        let text = try summary(tracer)
        let happened = text.split(separator: "\n").filter { $0.contains("what happened:") || $0.contains("fix:") }.joined(separator: "\n")
        #expect(happened.range(of: #"ignored SIGTERM from host PID [0-9]+ \(runc\): a namespace's PID 1 gets only the signals it has a handler for"#,
                               options: .regularExpression) != nil, "\(text)")
        #expect(happened.range(of: #"SIGKILL from host PID [0-9]+ \(runc\) followed 4\.[0-9] s later \(the stop timeout\)"#,
                               options: .regularExpression) != nil, "\(text)")
        #expect(!happened.contains("SIGHUP"), "\(text)")
        #expect(happened.contains("(sleep, started from outside the container, as by `docker exec`)"), "\(text)")
        #expect(happened.contains("fix: make the entrypoint script start the server with `exec nginx -g 'daemon off;'`"), "\(text)")
        #expect(!happened.contains("`exec sleep"), "\(text)")
    }
}
