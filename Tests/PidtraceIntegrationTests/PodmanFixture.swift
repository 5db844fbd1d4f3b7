import Foundation
import Glibc
import Testing

/// A real Podman (Debian's 4.3) serving its Docker-compatible API, started once per
/// test process with its own root, run root, socket and containers.conf (the VM lacks
/// CAP_SYS_RESOURCE: default ulimits must not be raised); pods need catatonit, the
/// infra container's init. As root a missing prerequisite FAILS the tests.
final class Podman: @unchecked Sendable {
    static let image = "docker.io/local/pidtrace-busybox:1"
    private static let shared: Result<Podman, DockerFixtureError> = Result { () throws(DockerFixtureError) in
        do { return try Podman.start() } catch let e as DockerFixtureError { throw e } catch {
            throw DockerFixtureError("podman fixture: \(error)")
        }
    }

    static func runtime() throws -> Podman { try shared.get() }

    let directory: String
    var socket: String { directory + "/podman.sock" }
    var dockerHost: String { "unix://" + socket }

    private init(directory: String) { self.directory = directory }

    private static func start() throws -> Podman {
        for tool in ["/usr/bin/podman", "/usr/bin/catatonit", "/bin/busybox"] where access(tool, X_OK) != 0 {
            throw DockerFixtureError("\(tool) is missing: install the test dependencies (make test-deps)")
        }
        removeStaleFixtureDirectories(prefix: "/tmp/pidtrace-podman-")
        let dir = "/tmp/pidtrace-podman-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = Podman(directory: dir)
        let conf = """
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            """
        try conf.write(toFile: dir + "/containers.conf", atomically: true, encoding: .utf8)
        let tar = dir + "/busybox.tar"
        let made = try DockerFixture.execute(ContainerdFixture.scripts + "/make-image.py", [tar, image], timeout: 60)
        guard made.status == 0 else { throw DockerFixtureError("make-image.py: \(made.stderr)") }
        let loaded = try p.podman(["load", "-i", tar])
        guard loaded.status == 0 else { throw DockerFixtureError("podman load: \(loaded.stderr)") }
        let service = Process()
        service.executableURL = URL(fileURLWithPath: "/usr/bin/podman")
        service.arguments = p.globalArguments + ["system", "service", "--time=0", p.dockerHost]
        service.environment = p.environment
        FileManager.default.createFile(atPath: dir + "/log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/log"))
        service.standardOutput = log
        service.standardError = log
        try service.run()
        podmanServicePID = service.processIdentifier
        atexit { if podmanServicePID > 0 { kill(podmanServicePID, SIGTERM) } }
        try DockerFixture.waitFor("podman's API socket", timeout: 20) { access(p.socket, F_OK) == 0 }
        return p
    }

    var globalArguments: [String] { ["--root", directory + "/root", "--runroot", directory + "/run"] }
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["CONTAINERS_CONF"] = directory + "/containers.conf"
        return env
    }

    /// The podman CLI on this fixture's storage. Run through a Python shim that closes
    /// every other descriptor: `podman run -d` leaves conmon behind, which would keep
    /// what it inherited open (our pipes, and Foundation's exit watch on the child).
    @discardableResult
    func podman(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let shim = """
            import subprocess, sys
            out, err = open(sys.argv[1], "wb"), open(sys.argv[2], "wb")
            sys.exit(subprocess.call(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=out, stderr=err, close_fds=True))
            """
        let base = directory + "/cli-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let r = try DockerFixture.execute(
            "/usr/bin/env", ["CONTAINERS_CONF=" + directory + "/containers.conf", "/usr/bin/python3", "-c", shim,
                             base + ".out", base + ".err", "/usr/bin/podman"] + globalArguments + arguments,
            timeout: 120)
        let stdout = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let stderr = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return (r.status, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self) + r.stderr)
    }

    func output(_ arguments: [String]) throws -> String {
        let r = try podman(arguments)
        guard r.status == 0 else { throw DockerFixtureError("podman \(arguments.joined(separator: " ")): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func hostPID(_ name: String) throws -> Int {
        guard let pid = Int(try output(["inspect", "-f", "{{.State.Pid}}", name])) else {
            throw DockerFixtureError("podman inspect gave no PID for \(name)")
        }
        return pid
    }
}

nonisolated(unsafe) private var podmanServicePID: Int32 = 0
