import Foundation
import Glibc
import Testing

/// The scripts `make test` runs the tests through: a prerequisite they cannot provide,
/// or a test that skipped in CI, ends the run with a failure.
@Suite("test scripts: with-dockerd and count-skips", .serialized)
struct TestScriptTests {
    let dir = NSTemporaryDirectory() + "pidtrace-scripts-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
    }

    /// An executable shell script in the scratch bin directory.
    func fakeCommand(_ name: String, _ body: String) throws {
        let path = dir + "/bin/" + name
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    /// A docker CLI that finds no daemon and a dockerd that dies at once: with-dockerd
    /// used to print a line and run the tests anyway (after 20 s of waiting).
    @Test(.requires(.root)) func withDockerdFailsWhenDockerdDoesNotStart() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try fakeCommand("docker", "exit 1")
        try fakeCommand("dockerd", "echo 'failed to start daemon: fake' >&2; exit 1")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = dir + "/bin:/usr/bin:/bin"
        environment["PIDTRACE_DOCKER_STATE"] = dir + "/state"
        let start = Date()
        let r = try ChildProcess.run(packageRoot + "/scripts/with-dockerd", ["/bin/echo", "the tests ran"],
                                     environment: environment, timeout: 30)
        #expect(r.status != 0)
        #expect(!r.stdout.contains("the tests ran"))
        #expect(r.stderr.contains("with-dockerd: dockerd did not start") && r.stderr.contains("failed to start daemon: fake"),
                "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 10, "no 20 s wait for a daemon that has exited")
    }

    /// count-skips passes the command's output and status through and counts skips;
    /// with CI=true one skip fails the run.
    @Test(arguments: [(ci: "true", status: Int32(1)), (ci: "", status: Int32(0))])
    func countSkipsFailsCIOnASkip(ci: String, status: Int32) throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try fakeCommand("fake-swift-test", """
            echo '\u{1B}[90m➜\u{1B}[0m Test needsDocker() skipped: "no Docker daemon answers"'
            echo '✔ Test other() passed after 0.1 seconds.'
            echo '◇ Test "long lines are skipped" started.'
            echo '✔ Test "long lines are skipped" passed after 0.1 seconds.'
            """)
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = ci
        let r = try ChildProcess.run(packageRoot + "/scripts/count-skips", [dir + "/bin/fake-swift-test"],
                                     environment: environment, timeout: 10)
        #expect(r.status == status, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("Test other() passed"))
        #expect(r.stdout.contains("count-skips: 1 tests skipped"), "a test named '… skipped' is not a skip")

        try fakeCommand("fake-failing-run", "echo '✘ Test run failed'; exit 3")
        let failed = try ChildProcess.run(packageRoot + "/scripts/count-skips", [dir + "/bin/fake-failing-run"],
                                          environment: environment, timeout: 10)
        #expect(failed.status == 3, "the command's own failure comes through")
        #expect(failed.stdout.contains("count-skips: 0 tests skipped"))
    }
}
