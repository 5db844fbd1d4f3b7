/// Resolves `NAME|ID|ID-prefix` through the Docker Engine API, and falls back to
/// the cgroup scan when the API cannot be reached (IDs and prefixes only).
public struct ContainerResolver: Sendable {
    public var api: DockerAPIResolver
    public var cgroup: CgroupResolver

    public init(socketPath: String = DockerEndpoint.defaultSocket, proc: ProcReader = ProcReader(), timeout: Double = 10) {
        api = DockerAPIResolver(api: DockerAPI(socketPath: socketPath, timeout: timeout), proc: proc)
        cgroup = CgroupResolver(proc: proc)
    }

    /// From `--docker-host` (nil when not given) and the environment's DOCKER_HOST.
    public init(dockerHost: String?, environment: [String: String] = DockerEndpoint.processEnvironment(),
                proc: ProcReader = ProcReader()) throws(ContainerError) {
        self.init(socketPath: try DockerEndpoint.socketPath(flag: dockerHost, environment: environment), proc: proc)
    }

    /// One container. With `requireRunning`, a stopped one is an error; without, it
    /// comes back with `running == false` and `hostPID == 0` (to wait for it).
    public func resolve(_ ref: String, requireRunning: Bool = true) throws(ContainerError) -> ContainerInfo {
        do {
            return try api.resolve(ref, requireRunning: requireRunning)
        } catch {
            guard let reason = error.unreachableReason else { throw error }
            guard CgroupResolver.looksLikeID(ref) else {
                throw .nameNeedsAPI(ref, reason: reason, socket: api.api.socketPath)
            }
            return try cgroup.resolve(ref)
        }
    }

    /// Every running container (by the API, else by the cgroup scan).
    public func runningContainers() throws(ContainerError) -> [ContainerInfo] {
        do {
            return try api.runningContainers()
        } catch {
            guard error.unreachableReason != nil else { throw error }
            return cgroup.runningContainers()
        }
    }
}

/// Resolution through the Engine API: the same order as the docker CLI (full ID,
/// then name, then unique ID prefix), over all containers so that a stopped one
/// is told apart from an unknown one.
public struct DockerAPIResolver: Sendable {
    public var api: DockerAPI
    public var proc: ProcReader
    /// `docker` or `podman` (from `GET /version`), for the records; nil when not asked.
    public var runtime: String?

    public init(api: DockerAPI, proc: ProcReader = ProcReader()) {
        self.api = api
        self.proc = proc
    }

    public func resolve(_ ref: String, requireRunning: Bool = true) throws(ContainerError) -> ContainerInfo {
        let all = try api.containers(all: true)
        let id = try Self.match(ref, in: all)
        guard let detail = try api.inspect(id) else {
            // Removed between the two calls.
            throw .unknownContainer(ref, running: all.filter(\.isRunning).map(\.name).sorted())
        }
        let info = containerInfo(detail)
        if requireRunning && !info.running { throw .notRunning(ref, id: info.id) }
        return info
    }

    /// The container's state now (after a `start` event, say); nil when it is gone.
    public func inspect(id: String) throws(ContainerError) -> ContainerInfo? {
        try api.inspect(id).map(containerInfo)
    }

    /// The PID namespace a container will join when it starts, when it joins another
    /// container's (`--pid container:X`, a Podman pod sharing its PID namespace) and
    /// that one runs: known from its creation on, before its init exists.
    public func joinedPIDNamespace(ofContainer id: String) throws(ContainerError) -> (inode: UInt32, initHostPID: UInt32)? {
        guard let mode = try api.inspect(id)?.hostConfig?.pidMode, mode.hasPrefix("container:") else { return nil }
        guard let other = try api.inspect(String(mode.dropFirst("container:".count))),
              other.state.running, other.state.pid > 0,
              let inode = proc.namespaceInode(pid: other.state.pid) else { return nil }
        // The namespace's init: the other container's, unless it joined one itself.
        let initPID = proc.nsPIDs(pid: other.state.pid)?.last == 1 ? UInt32(other.state.pid) : 0
        return (inode, initPID)
    }

    public func runningContainers() throws(ContainerError) -> [ContainerInfo] {
        var result: [ContainerInfo] = []
        for summary in try api.containers() {
            if let detail = try api.inspect(summary.id), detail.state.running {
                result.append(containerInfo(detail))
            }
        }
        return result.sorted { $0.displayName < $1.displayName }
    }

    public func containerInfo(_ detail: DockerContainerInspect) -> ContainerInfo {
        let running = detail.state.running && detail.state.pid > 0
        return ContainerInfo(
            id: detail.id, name: DockerName.bare(detail.name),
            hostPID: running ? detail.state.pid : 0, startedAt: detail.state.startedAt, running: running,
            pidnsInode: running ? proc.namespaceInode(pid: detail.state.pid) : nil,
            restartCount: detail.restartCount, image: detail.config?.image, source: .dockerAPI, runtime: runtime)
    }

    /// Picks the container `ref` means: full ID, name (with or without '/'), or a
    /// unique ID prefix. Returns its full ID.
    public static func match(_ ref: String, in containers: [DockerContainerSummary]) throws(ContainerError) -> String {
        if let exact = containers.first(where: { $0.id == ref }) { return exact.id }
        let name = DockerName.bare(ref)
        if let named = containers.first(where: { $0.names.map(DockerName.bare).contains(name) }) { return named.id }
        if CgroupResolver.looksLikeID(ref) {
            let prefixed = containers.filter { $0.id.hasPrefix(ref.lowercased()) }
            if prefixed.count == 1 { return prefixed[0].id }
            if prefixed.count > 1 {
                throw .ambiguousPrefix(ref, matches: prefixed.map { "\($0.id.prefix(12)) \($0.name)" }.sorted())
            }
        }
        throw .unknownContainer(ref, running: containers.filter(\.isRunning).map(\.name).sorted())
    }
}

/// Resolution without the runtime: every container runtime puts the container ID
/// in the cgroup path of its processes (`/docker/<id>`, `docker-<id>.scope`,
/// `cri-containerd-<id>.scope`, `libpod-<id>.scope`, `crio-<id>.scope`, a bare
/// `<id>` under kubepods). The container's PID 1 is the process in that cgroup
/// that is the init of its PID namespace (last `NSpid:` value 1).
public struct CgroupResolver: Sendable {
    public var proc: ProcReader

    public init(proc: ProcReader = ProcReader()) { self.proc = proc }

    /// Container ID → host PIDs of its processes, for every container now in /proc.
    public func scan() -> [String: [Int32]] {
        var groups: [String: [Int32]] = [:]
        for pid in proc.pids() {
            guard let text = proc.readText("\(proc.root)/\(pid)/cgroup"),
                  let id = Self.containerID(inCgroupFile: text) else { continue }
            groups[id, default: []].append(pid)
        }
        return groups
    }

    public func resolve(_ ref: String) throws(ContainerError) -> ContainerInfo {
        let groups = scan()
        let wanted = ref.lowercased()
        let matches = groups.keys.filter { $0.hasPrefix(wanted) }.sorted()
        guard CgroupResolver.looksLikeID(ref), !matches.isEmpty else {
            throw .unknownContainer(ref, running: groups.keys.map { String($0.prefix(12)) }.sorted())
        }
        if matches.count > 1 { throw .ambiguousPrefix(ref, matches: matches.map { String($0.prefix(12)) }) }
        guard let info = containerInfo(id: matches[0], pids: groups[matches[0]] ?? []) else {
            throw .unknownContainer(ref, running: groups.keys.map { String($0.prefix(12)) }.sorted())
        }
        return info
    }

    public func runningContainers() -> [ContainerInfo] {
        scan().compactMap { containerInfo(id: $0.key, pids: $0.value) }.sorted { $0.id < $1.id }
    }

    /// The container's PID 1: the outermost PID-namespace init among its processes;
    /// for a container sharing the host's PID namespace, its lowest PID.
    func containerInfo(id: String, pids: [Int32]) -> ContainerInfo? {
        var best: (pid: Int32, depth: Int)? = nil
        for pid in pids {
            guard let chain = proc.nsPIDs(pid: pid), chain.count > 1, chain.last == 1 else { continue }
            if best == nil || chain.count < best!.depth || (chain.count == best!.depth && pid < best!.pid) {
                best = (pid, chain.count)
            }
        }
        guard let initPID = best?.pid ?? pids.min(), let inode = proc.namespaceInode(pid: initPID) else { return nil }
        return ContainerInfo(id: id, name: nil, hostPID: initPID, startedAt: nil, running: true,
                             pidnsInode: inode, source: .cgroupScan)
    }

    /// The container ID in a `/proc/PID/cgroup` file: the cgroup v2 line (`0::`)
    /// first, else the first v1 line that has one.
    public static func containerID(inCgroupFile text: String) -> String? {
        var fallback: String? = nil
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let id = containerID(inCgroupPath: fields[2]) else { continue }
            if fields[0] == "0" && fields[1].isEmpty { return id }
            if fallback == nil { fallback = id }
        }
        return fallback
    }

    /// The container ID in the unified (cgroup v2) line of a /proc/PID/cgroup file
    /// (`0::/path`): the cgroup an event's `cgroup_id` names. nil without that line
    /// (a host with cgroup v1 only, where every task's v2 cgroup is the root).
    public static func containerID(inUnifiedLineOf text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            return containerID(inCgroupPath: line.dropFirst(3))
        }
        return nil
    }

    /// The innermost container ID in a cgroup path (Docker in Docker nests them).
    public static func containerID(inCgroupPath path: Substring) -> String? {
        var found: String? = nil
        for component in path.split(separator: "/") {
            var name = component
            if name.hasSuffix(".scope") { name = name.dropLast(".scope".count) }
            for prefix in runtimePrefixes where name.hasPrefix(prefix) {
                name = name.dropFirst(prefix.count)
                break
            }
            // "libpod-conmon-<id>" and "crio-conmon-<id>" are the monitors, outside the container.
            if isFullID(name) { found = String(name) }
        }
        return found
    }

    static let runtimePrefixes = ["docker-", "cri-containerd-", "crio-", "libpod-", "containerd-"]

    public static func isFullID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy(isHexDigit)
    }

    /// Whether `ref` could be a container ID or ID prefix (1 to 64 hex digits).
    public static func looksLikeID(_ ref: String) -> Bool {
        !ref.isEmpty && ref.utf8.count <= 64 && ref.lowercased().utf8.allSatisfy(isHexDigit)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
    }
}
