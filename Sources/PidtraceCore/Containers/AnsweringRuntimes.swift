import Glibc

/// The Docker-compatible APIs that answer on a node (`pidtrace agent` follows them
/// all: a node may run Docker and Podman side by side), each named by its runtime.
public struct AnsweringRuntimes {
    public var apis: [DockerAPIResolver] = []
    /// Sockets that did not answer (said in the agent's start warning).
    public var silent: [String] = []

    /// Rootful Podman's API socket (`podman system service`, podman.socket).
    public static let podmanSocket = "unix:///run/podman/podman.sock"

    /// `hosts` as `--docker-host` gives them; none: Docker's (DOCKER_HOST, else its
    /// default socket) and rootful Podman's. A malformed one is an error.
    public init(hosts: [String], proc: ProcReader = ProcReader()) throws(ContainerError) {
        let wanted: [String?] = hosts.isEmpty ? [nil, Self.podmanSocket] : hosts
        for host in wanted {
            var resolver = try ContainerResolver(dockerHost: host, proc: proc).api
            // One daemon once: podman-docker links /var/run/docker.sock to Podman's socket.
            let path = Self.realPath(resolver.api.socketPath)
            guard !apis.contains(where: { Self.realPath($0.api.socketPath) == path }), !silent.contains(path) else { continue }
            resolver.runtime = try? resolver.api.version().runtimeName
            if resolver.runtime != nil { apis.append(resolver) } else { silent.append(path) }
        }
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
