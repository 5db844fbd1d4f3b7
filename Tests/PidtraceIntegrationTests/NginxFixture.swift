import Foundation
import Glibc
import Testing

/// The real nginx images `scripts/build-nginx-image` builds from Debian's nginx-light
/// (`scripts/with-dockerd`, used by `make test`, builds them when they are missing).
/// Both run `nginx -g "daemon off;"` from a shell script; only the entrypoint differs.
enum NginxImage: String, CaseIterable {
    /// `/start.sh` without exec: sh stays PID 1, nginx is its child and never sees SIGTERM.
    case noExec = "local/nginx-noexec"
    /// `/start-exec.sh`: sh execs nginx, which becomes PID 1.
    case exec = "local/nginx-exec"

    /// Where the master writes its PID (as seen inside the container), from the image's nginx.conf.
    static let pidFile = "/tmp/nginx.pid"

    /// Why the images cannot be used here, or nil when they can.
    static let unavailableReason: String? = {
        if let reason = DockerFixture.unavailableReason { return reason }
        let missing = allCases.filter { (try? DockerFixture.docker(["image", "inspect", $0.rawValue]).status) != 0 }
        if missing.isEmpty { return nil }
        return "image \(missing.map(\.rawValue).joined(separator: " and ")) missing: scripts/build-nginx-image builds it (needs nginx-light and busybox-static)"
    }()

    /// Fails the calling test (never skips it) when the images cannot be used.
    static func require() throws {
        if let reason = unavailableReason { throw DockerFixtureError("nginx test images unusable: \(reason)") }
    }
}

extension DockerContainer {
    /// A container of `image` running its entrypoint, returned once nginx answers
    /// inside it (its master has written the PID file and its workers are started).
    static func nginx(_ image: NginxImage, options: [String] = []) throws -> DockerContainer {
        try NginxImage.require()
        let container = try DockerContainer([], options: options, image: image.rawValue)
        try DockerFixture.waitFor("nginx in \(container.name) to answer") {
            let r = try DockerFixture.docker(["exec", container.id, "wget", "-qO-", "http://127.0.0.1:8080/"])
            return r.status == 0
        }
        return container
    }

    /// The nginx master's PID inside the container, from its PID file.
    func nginxMasterNSPID() throws -> Int {
        let text = try DockerFixture.dockerOutput(["exec", id, "cat", NginxImage.pidFile])
        guard let pid = Int(text) else { throw DockerFixtureError("\(NginxImage.pidFile) in \(name) holds \(text)") }
        return pid
    }
}

extension DockerFixture {
    /// `/proc/PID/comm` without its newline.
    static func comm(_ pid: Int) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .newlines)
    }

    /// The children of PID's main thread (`/proc/PID/task/PID/children`).
    static func children(_ pid: Int) -> [Int] {
        ((try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? "")
            .split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
