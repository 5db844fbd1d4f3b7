import Foundation

/// One container of a CRI runtime, from its OCI bundle on disk.
public struct CRIContainer: Sendable, Equatable {
    public var id: String
    public var pod: PodMeta
    /// The app container's name in the pod spec; `POD` for the sandbox (the name the
    /// kubelet has always given the infrastructure container).
    public var name: String
    public var sandboxID: String
    /// `containerd` or `cri-o`.
    public var runtime: String
    /// Host PID of the container's init (the bundle's pid file), when there is one.
    public var initPID: Int32?

    public static let sandboxName = "POD"
}

/// Pods and containers of the node's CRI runtime, read from the runtime's own state
/// on disk instead of asked through its gRPC API: every container's OCI bundle
/// (`config.json`) carries the CRI's pod annotations, and the bundle's pid file its
/// init's host PID. No socket, no gRPC library, nothing to start: a few small files
/// on a tmpfs (see docs/runtimes.md).
///
/// - containerd: `<state>/io.containerd.runtime.v2.task/k8s.io/<id>/{config.json,init.pid}`
///   (state `/run/containerd` by default), annotations `io.kubernetes.cri.*`.
/// - CRI-O: `<storage>/overlay-containers/<id>/userdata/{config.json,pidfile}`
///   (`/run/containers/storage`), annotations `io.kubernetes.pod.*`,
///   `io.kubernetes.container.name`, `io.kubernetes.cri-o.ContainerType`.
public struct CRIState: Sendable {
    public static let defaultRoots = ["/run/containerd", "/run/containers/storage"]

    /// State directories, each a containerd state dir or a CRI-O run storage dir.
    public var roots: [String]

    public init(roots: [String] = CRIState.defaultRoots) { self.roots = roots }

    /// Where one root keeps its containers' bundles, and how each is laid out.
    struct Layout {
        var runtime: String
        var directory: String
        /// The bundle of container `id`, relative to `directory`.
        var bundle: (String) -> String
        var pidFile: String
    }

    func layouts() -> [Layout] {
        roots.flatMap { root -> [Layout] in
            var found: [Layout] = []
            let containerd = root + "/io.containerd.runtime.v2.task/k8s.io"
            if isDirectory(containerd) {
                found.append(Layout(runtime: "containerd", directory: containerd, bundle: { $0 }, pidFile: "init.pid"))
            }
            let crio = root + "/overlay-containers"
            if isDirectory(crio) {
                found.append(Layout(runtime: "cri-o", directory: crio, bundle: { $0 + "/userdata" }, pidFile: "pidfile"))
            }
            return found
        }
    }

    /// Whether any root holds a CRI runtime's state (for a clear error otherwise).
    public var isPresent: Bool { !layouts().isEmpty }

    /// Every pod container (sandboxes included) the runtimes have a bundle for.
    public func containers() -> [CRIContainer] {
        var result: [CRIContainer] = []
        for layout in layouts() {
            let ids = (try? FileManager.default.contentsOfDirectory(atPath: layout.directory)) ?? []
            for id in ids.sorted() {
                if let c = read(id: id, layout: layout) { result.append(c) }
            }
        }
        return result
    }

    /// One container by its full ID; nil when no runtime has it (or it is no pod's).
    public func container(id: String) -> CRIContainer? {
        guard CgroupResolver.isFullID(id) else { return nil }
        for layout in layouts() {
            if let c = read(id: id, layout: layout) { return c }
        }
        return nil
    }

    func read(id: String, layout: Layout) -> CRIContainer? {
        let bundle = layout.directory + "/" + layout.bundle(id)
        guard let data = FileManager.default.contents(atPath: bundle + "/config.json"),
              let annotations = (try? JSONParser.parse(Array(data)))?["annotations"]?.object else { return nil }
        guard var c = Self.container(id: id, runtime: layout.runtime, annotations: annotations) else { return nil }
        if let text = try? String(contentsOfFile: bundle + "/" + layout.pidFile, encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 {
            c.initPID = pid
        }
        return c
    }

    /// The pod identity in a bundle's annotations (containerd's or CRI-O's keys).
    static func container(id: String, runtime: String, annotations: [String: JSONValue]) -> CRIContainer? {
        func value(_ key: String) -> String? { annotations[key]?.string }
        let type, podName, namespace, uid, name, sandbox: String?
        if runtime == "cri-o" {
            type = value("io.kubernetes.cri-o.ContainerType")
            podName = value("io.kubernetes.pod.name")
            namespace = value("io.kubernetes.pod.namespace")
            uid = value("io.kubernetes.pod.uid")
            name = value("io.kubernetes.container.name")
            sandbox = value("io.kubernetes.cri-o.SandboxID")
        } else {
            type = value("io.kubernetes.cri.container-type")
            podName = value("io.kubernetes.cri.sandbox-name")
            namespace = value("io.kubernetes.cri.sandbox-namespace")
            uid = value("io.kubernetes.cri.sandbox-uid")
            name = value("io.kubernetes.cri.container-name")
            sandbox = value("io.kubernetes.cri.sandbox-id")
        }
        guard let type, let podName, let namespace else { return nil }
        let isSandbox = type == "sandbox"
        guard isSandbox || name != nil else { return nil }
        return CRIContainer(id: id, pod: PodMeta(name: podName, namespace: namespace, uid: uid ?? "", isSandbox: isSandbox),
                            name: isSandbox ? CRIContainer.sandboxName : name!, sandboxID: sandbox ?? id,
                            runtime: runtime, initPID: nil)
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

/// What the user asked for: `--pod NAME [--namespace NS]`, or `--container POD/NAME`.
public struct PodSelector: Sendable, Equatable, CustomStringConvertible {
    public var pod: String
    public var namespace: String?
    /// One app container of the pod; nil for all of them.
    public var container: String?

    public init(pod: String, namespace: String? = nil, container: String? = nil) {
        self.pod = pod
        self.namespace = namespace
        self.container = container
    }

    /// `POD/CONTAINER` as given to `--container`; nil when `ref` has no '/'.
    public static func containerRef(_ ref: String, namespace: String?) -> PodSelector? {
        let parts = ref.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return PodSelector(pod: String(parts[0]), namespace: namespace, container: String(parts[1]))
    }

    /// Whether `c` is one this selector follows: the pod's sandbox always (the pod's
    /// infrastructure, PID 1 of a shared namespace), and its app containers.
    public func matches(_ c: CRIContainer) -> Bool {
        guard c.pod.name == pod, namespace.map({ $0 == c.pod.namespace }) ?? true else { return false }
        return c.pod.isSandbox || container.map { $0 == c.name } ?? true
    }

    /// `[NAMESPACE/]POD[/CONTAINER]`, for the `start` record.
    public var ref: String {
        [namespace, pod, container].compactMap { $0 }.joined(separator: "/")
    }

    public var description: String {
        let p = namespace.map { "\($0)/\(pod)" } ?? pod
        return container.map { "\(p) container \($0)" } ?? p
    }
}
