import Foundation
import Glibc
import Testing

/// The real Docker daemon for integration tests: `scripts/with-dockerd` (used by
/// `make test`) starts one by hand and imports the `local/busybox` image.
enum DockerFixture {
    static let image = "local/busybox"
    /// Why Docker tests cannot run here, or nil when they can.
    static let unavailableReason: String? = {
        if geteuid() != 0 { return "not root" }
        guard let status = try? docker(["version", "--format", "{{.Server.Version}}"]).status else {
            return "no docker CLI on PATH"
        }
        if status != 0 { return "no Docker daemon answers" }
        if (try? docker(["image", "inspect", image]).status) != 0 { return "image \(image) is missing" }
        return nil
    }()

    /// Runs the docker CLI; returns status, stdout and stderr.
    @discardableResult
    static func docker(_ arguments: [String], timeout: Double = 60) throws -> (status: Int32, stdout: String, stderr: String) {
        try execute("/usr/bin/env", ["docker"] + arguments, timeout: timeout)
    }

    /// The docker CLI's standard output, trimmed; a failure is thrown with its stderr.
    static func dockerOutput(_ arguments: [String]) throws -> String {
        let r = try docker(arguments)
        guard r.status == 0 else { throw DockerFixtureError("docker \(arguments.joined(separator: " ")): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The built pidtrace: $PIDTRACE_BIN, else `.build/debug/pidtrace` of this checkout.
    static var pidtraceBinary: String {
        if let path = ProcessInfo.processInfo.environment["PIDTRACE_BIN"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/pidtrace").path
    }

    /// Runs pidtrace (optionally through a launcher such as setpriv) to completion.
    static func pidtrace(_ arguments: [String], via launcher: [String] = [],
                         timeout: Double = 30) throws -> (status: Int32, stdout: String, stderr: String) {
        if launcher.isEmpty { return try execute(pidtraceBinary, arguments, timeout: timeout) }
        return try execute(launcher[0], Array(launcher.dropFirst()) + [pidtraceBinary] + arguments, timeout: timeout)
    }

    static func execute(_ path: String, _ arguments: [String],
                        timeout: Double) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(path, arguments, timeout: timeout)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes.
    static func waitFor(_ what: String, timeout: Double = 10, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        throw DockerFixtureError("timed out waiting for \(what)")
    }

    /// `NSpid:` of /proc/PID/status, outermost first.
    static func nsPIDs(_ pid: Int) -> [Int]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("NSpid:") }) else { return nil }
        return line.dropFirst("NSpid:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }
    }

    /// Inode of /proc/PID/ns/pid.
    static func pidNamespace(_ pid: Int) -> UInt32? {
        var st = stat()
        guard stat("/proc/\(pid)/ns/pid", &st) == 0 else { return nil }
        return UInt32(truncatingIfNeeded: st.st_ino)
    }

    /// The NDJSON lines of `text` as dictionaries.
    static func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DockerFixtureError("not a JSON object: \(line)")
            }
            return object
        }
    }
}

/// A container (busybox unless told) that exists for one test: `docker rm -f` when the object
/// goes away (also when the test failed), or earlier through `remove()`.
final class DockerContainer {
    let name: String
    let id: String
    private var removed = false

    /// `command` after the image; empty runs the image's entrypoint (the nginx images).
    /// `started: false` only creates it (`start()` runs it): a test that must see its
    /// first process traces it with `--wait` from before it starts, at any load.
    init(_ command: [String], options: [String] = [], image: String = DockerFixture.image, started: Bool = true) throws {
        name = "pidtrace-test-\(UUID().uuidString.prefix(8).lowercased())"
        id = try DockerFixture.dockerOutput([started ? "run" : "create"] + (started ? ["-d"] : []) + ["--name", name]
                                            + options + [image] + command)
    }

    func start() throws { _ = try DockerFixture.dockerOutput(["start", id]) }

    /// `State.Pid` as docker inspect reports it now.
    func hostPID() throws -> Int {
        guard let pid = Int(try DockerFixture.dockerOutput(["inspect", "-f", "{{.State.Pid}}", id])) else {
            throw DockerFixtureError("docker inspect gave no PID for \(name)")
        }
        return pid
    }

    func inspect(_ format: String) throws -> String { try DockerFixture.dockerOutput(["inspect", "-f", format, id]) }

    func remove() {
        guard !removed else { return }
        removed = true
        _ = try? DockerFixture.docker(["rm", "-f", id])
    }

    deinit { remove() }
}

struct DockerFixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Data handed from a reader thread to the waiting test.
final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    func set(_ value: Data) {
        data = value
        done.signal()
    }
    func wait() -> Data {
        done.wait()
        return data
    }

    /// The data, or nil when it has not come by `deadline`.
    func wait(until deadline: Date) -> Data? {
        let left = max(0, deadline.timeIntervalSinceNow)
        guard done.wait(timeout: .now() + left) == .success else { return nil }
        return data
    }
}
