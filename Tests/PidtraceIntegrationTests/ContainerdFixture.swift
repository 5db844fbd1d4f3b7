import Foundation
import Glibc
import Testing

/// A real containerd (Debian's package) for the pod tests, started once per test
/// process with its own root, state and socket and the CRI plugin on; pods and
/// containers are made through the CRI API the way the kubelet does it
/// (scripts/cri/cri.py, Python grpcio), from local images (scripts/cri/make-image.py
/// imported with `ctr -n k8s.io images import`, no registry). Host network: no CNI.
///
/// The suites say `.requires(.root)`; given root, a missing containerd, ctr, python3
/// grpc module or busybox FAILS the tests that need them (the fixture throws).
enum ContainerdFixture {
    static let sandboxImage = "docker.io/local/pidtrace-pause:1"
    static let appImage = "docker.io/local/pidtrace-busybox:1"

    private static let shared: Result<Containerd, DockerFixtureError> = Result { () throws(DockerFixtureError) in
        do { return try Containerd.start() } catch let e as DockerFixtureError { throw e } catch {
            throw DockerFixtureError("containerd fixture: \(error)")
        }
    }

    /// The running containerd, or the reason it could not be started.
    static func runtime() throws -> Containerd { try shared.get() }

    static var scripts: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/cri").path
    }
}

/// One containerd daemon; killed when the test process exits.
final class Containerd: @unchecked Sendable {
    let directory: String
    var socket: String { directory + "/containerd.sock" }
    /// What `--runtime-root` is given: containerd's state directory.
    var state: String { directory + "/state" }

    private init(directory: String) { self.directory = directory }

    static func start() throws -> Containerd {
        for tool in ["/usr/bin/containerd", "/usr/bin/ctr", "/bin/busybox"] where access(tool, X_OK) != 0 {
            throw DockerFixtureError("\(tool) is missing: install the test dependencies (make test-deps)")
        }
        let probe = try DockerFixture.execute("/usr/bin/python3", ["-c", "import grpc, grpc_tools"], timeout: 30)
        guard probe.status == 0 else {
            throw DockerFixtureError("python3 cannot import grpc and grpc_tools (make test-deps): \(probe.stderr)")
        }
        removeStaleFixtureDirectories(prefix: "/tmp/pidtrace-containerd-")
        let dir = "/tmp/pidtrace-containerd-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let c = Containerd(directory: dir)
        // restrict_oom_score_adj: the VM lacks CAP_SYS_RESOURCE for the sandbox's -998.
        let config = """
            version = 2
            root = "\(dir)/root"
            state = "\(dir)/state"
            [grpc]
              address = "\(c.socket)"
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "\(ContainerdFixture.sandboxImage)"
              restrict_oom_score_adj = true
              disable_apparmor = true
            """
        try config.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/containerd")
        daemon.arguments = ["--config", dir + "/config.toml"]
        _ = FileManager.default.createFile(atPath: dir + "/log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/log"))
        daemon.standardOutput = log
        daemon.standardError = log
        try daemon.run()
        containerdPID = daemon.processIdentifier
        atexit { if containerdPID > 0 { kill(containerdPID, SIGTERM) } }
        try DockerFixture.waitFor("containerd to answer", timeout: 20) {
            (try? c.ctr(["version"]).status) == 0
        }
        let sandboxEntrypoint = ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"]
        for (image, entrypoint) in [(ContainerdFixture.sandboxImage, sandboxEntrypoint), (ContainerdFixture.appImage, [])] {
            let tar = dir + "/\(UUID().uuidString).tar"
            let made = try DockerFixture.execute(ContainerdFixture.scripts + "/make-image.py", [tar, image] + entrypoint,
                                                 timeout: 60)
            guard made.status == 0 else { throw DockerFixtureError("make-image.py: \(made.stderr)") }
            let imported = try c.ctr(["-n", "k8s.io", "images", "import", tar])
            guard imported.status == 0 else { throw DockerFixtureError("ctr images import: \(imported.stderr)") }
            try? FileManager.default.removeItem(atPath: tar)
        }
        return c
    }

    func ctr(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try DockerFixture.execute("/usr/bin/ctr", ["-a", socket] + arguments, timeout: 60)
    }

    /// One CRI call through scripts/cri/cri.py; its standard output, trimmed.
    @discardableResult
    func cri(_ arguments: [String]) throws -> String {
        let r = try DockerFixture.execute(ContainerdFixture.scripts + "/cri.py", [socket] + arguments, timeout: 90)
        guard r.status == 0 else { throw DockerFixtureError("cri.py \(arguments.joined(separator: " ")): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

nonisolated(unsafe) private var containerdPID: Int32 = 0

/// Removes the directories `prefix<pid>` of earlier test processes that are gone,
/// unless something is still mounted under them (a pod left running).
func removeStaleFixtureDirectories(prefix: String) {
    let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
    let parent = (prefix as NSString).deletingLastPathComponent
    let stem = (prefix as NSString).lastPathComponent
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(stem) {
        guard let pid = Int32(entry.dropFirst(stem.count)), pid != getpid(), kill(pid, 0) != 0 else { continue }
        let path = parent + "/" + entry
        if mounts.contains(" " + path + "/") { continue }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A pod made through the CRI (RunPodSandbox), with its containers
/// (CreateContainer + StartContainer); stopped and removed when the object goes.
final class CRIPod {
    let runtime: Containerd
    let name: String
    let namespace: String
    let uid: String
    /// `pod` (shareProcessNamespace) or `container`, as the kubelet sets it.
    let pidMode: String
    let sandboxID: String

    init(_ runtime: Containerd, name: String? = nil, sharedPID: Bool = false) throws {
        self.runtime = runtime
        let suffix = UUID().uuidString.prefix(8).lowercased()
        self.name = name ?? "web-\(suffix)"
        namespace = "shop"
        uid = UUID().uuidString.lowercased()
        pidMode = sharedPID ? "pod" : "container"
        sandboxID = try runtime.cri(["runp", self.name, namespace, uid, pidMode])
    }

    /// Creates and starts a container of the pod; returns its ID.
    @discardableResult
    func run(_ container: String, attempt: Int = 0, _ command: [String]) throws -> String {
        let id = try runtime.cri(["create", sandboxID, name, namespace, uid, pidMode, container, String(attempt),
                                  ContainerdFixture.appImage] + command)
        try runtime.cri(["start", id])
        return id
    }

    /// The host PID of a container's init, from its bundle (as pidtrace reads it).
    func initPID(_ id: String) throws -> Int {
        let path = runtime.state + "/io.containerd.runtime.v2.task/k8s.io/\(id)/init.pid"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let pid = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw DockerFixtureError("no init.pid for \(id.prefix(12))")
        }
        return pid
    }

    deinit {
        _ = try? runtime.cri(["stopp", sandboxID])
        _ = try? runtime.cri(["rmp", sandboxID])
    }
}
