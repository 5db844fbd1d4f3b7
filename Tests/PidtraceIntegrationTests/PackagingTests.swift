import Foundation
import Glibc
import Testing

/// The package root (this file is Tests/PidtraceIntegrationTests/PackagingTests.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// `make install` and the container image, built for real (slow: own build folders).
@Suite(.serialized)
struct PackagingTests {
    @Test(.timeLimit(.minutes(15)))
    func installPutsBinaryManPagesAndCompletions() throws {
        let prefix = NSTemporaryDirectory() + "pidtrace-install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let r = try DockerFixture.execute("/usr/bin/make", [
            "-C", packageRoot, "install", "PREFIX=\(prefix)", "CONFIG=debug", "SCRATCH=.build-install",
        ], timeout: 900)
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        let version = try DockerFixture.execute(prefix + "/bin/pidtrace", ["--version"], timeout: 10)
        #expect(version.stdout.contains("0.1.0"))
        for page in ["pidtrace.1", "pidtrace-trace.1", "pidtrace-ps.1", "pidtrace-check.1"] {
            let text = try String(contentsOfFile: "\(prefix)/share/man/man1/\(page)", encoding: .utf8)
            #expect(text.contains(".Dt") || text.contains(".TH"), "\(page) is a man page")
        }
        let bash = try String(contentsOfFile: "\(prefix)/share/bash-completion/completions/pidtrace", encoding: .utf8)
        #expect(bash.contains("--container") && bash.contains("complete"))
        let zsh = try String(contentsOfFile: "\(prefix)/share/zsh/site-functions/_pidtrace", encoding: .utf8)
        #expect(zsh.contains("#compdef pidtrace"))
        let fish = try String(contentsOfFile: "\(prefix)/share/fish/vendor_completions.d/pidtrace.fish", encoding: .utf8)
        #expect(fish.contains("complete -c 'pidtrace'"))
    }

    /// The static binary in a FROM-scratch image, tracing another container from inside.
    @Test(.requires(.docker), .timeLimit(.minutes(15)))
    func imageTracesAnotherContainer() throws {
        let tag = "pidtrace-test:\(uniqueSleep())"
        let build = try DockerFixture.execute("/usr/bin/make", ["-C", packageRoot, "image", "IMAGE=\(tag)"], timeout: 900)
        #expect(build.status == 0, "\(build.stderr.suffix(2000))")
        defer { _ = try? DockerFixture.docker(["rmi", "-f", tag]) }
        let file = try DockerFixture.execute("/usr/bin/file", [packageRoot + "/.build-static/release/pidtrace"], timeout: 10)
        #expect(file.stdout.contains("statically linked"))

        let web = try DockerContainer(["sh", "-c", "while true; do sleep 0.3; done"])
        // Docker 20.10 does not know CAP_BPF by name; CAP_SYS_ADMIN covers it.
        let r = try DockerFixture.docker([
            "run", "--rm", "--pid=host", "--cap-add", "SYS_ADMIN",
            "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
            "-v", "/sys/kernel/btf:/sys/kernel/btf:ro", "-v", "/var/run/docker.sock:/var/run/docker.sock",
            tag, "--container", web.name, "--json", "--duration", "2",
        ], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        let records = try DockerFixture.records(r.stdout)
        #expect(records.first?.event == "start" && records.last?.event == "stop")
        let execs = records.filter { $0.event == "exec" && $0["container_name"] as? String == web.name }
        #expect(execs.count >= 3, "sleep every 0.3 s for 2 s")
        for exec in execs.prefix(3) {
            #expect((exec.int("ns_pid") ?? 0) > 1 && exec.int("ns_ppid") == 1)
        }

        // The agent in the image, its history on the host; asked by `docker exec NAME
        // pidtrace ...` as the DaemonSet's pod is by `kubectl exec POD -- pidtrace ...`.
        let state = NSTemporaryDirectory() + "pidtrace-image-state-\(uniqueSleep())"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let agent = try DockerFixture.dockerOutput([
            "run", "-d", "--pid=host", "--cap-add", "SYS_ADMIN", "--cap-add", "SYS_PTRACE",
            "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
            "-v", "/sys/kernel/btf:/sys/kernel/btf:ro", "-v", "/var/run/docker.sock:/var/run/docker.sock",
            "-v", "\(state):/var/lib/pidtrace", tag, "agent", "--metrics-address", "none", "--json",
        ])
        defer { _ = try? DockerFixture.docker(["rm", "-f", agent]) }
        // Caught up with the host's containers once a new long-lived one is seen start.
        let canary = try DockerContainer(["sleep", "600"])
        try DockerFixture.waitFor("the agent to follow a new container", timeout: 60) {
            try DockerFixture.docker(["logs", agent]).stdout.contains(canary.id)
        }
        let failing = try DockerContainer(["sh", "-c", "sleep 1; exit 3"])
        try DockerFixture.waitFor("the end in the history, asked inside the image", timeout: 30) {
            let r = try DockerFixture.docker(["exec", agent, "pidtrace", "history", "--container", failing.name])
            return r.status == 0 && r.stdout.contains("exit 3")
        }
        let why = try DockerFixture.docker(["exec", agent, "pidtrace", "why", failing.name])
        #expect(why.status == 0 && why.stdout.contains("exited by itself with code 3"), "\(why.stderr)\(why.stdout)")
    }
}
