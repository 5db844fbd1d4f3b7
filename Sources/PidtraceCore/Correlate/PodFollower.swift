import Foundation
import Synchronization

/// `--pod` and `--container POD/NAME`: follows pods of a CRI runtime (containerd,
/// CRI-O) through the runtime's state on disk (`CRIState`). The pod's sandbox is
/// followed as the pod's infrastructure; each app container is followed by ID, and a
/// container the kubelet re-creates (a new ID, the same name) is recognised when its
/// init appears — the bundle is read on a thread of its own, never on the reader —
/// and becomes the next generation of the same named container. With --wait, a pod
/// not there yet is found the same way, at its sandbox's first process.
public final class PodFollower: RuntimeFollower, RuntimeQuestions {
    public let tracker: ContainerTracker
    private let state: CRIState
    private let selectors: [PodSelector]
    private let initial: [ContainerInfo]
    private let proc: ProcReader
    private let answers = PodAnswers()
    public let awaited: [String]
    public let warnings: [String]

    /// Resolves every selector now, so that a typo fails before anything is attached.
    public init(selectors: [PodSelector], state: CRIState, waitForStart: Bool, proc: ProcReader = ProcReader()) throws(ContainerError) {
        self.proc = proc
        let matched = try Self.resolve(selectors, state: state, waitForStart: waitForStart)
        awaited = selectors.filter { s in !matched.contains { !$0.pod.isSandbox && s.matches($0) } }.map { "pod " + $0.description }
        warnings = state.isPresent ? [] : [
            "no containerd or CRI-O state under \(state.roots.joined(separator: ", ")): no pod can appear there until a "
                + "Kubernetes runtime writes it (give its state directory with --runtime-root)"]
        var infos: [ContainerInfo] = []
        for c in matched { infos.append(try Self.readableInfo(c, proc: proc)) }
        initial = infos
        self.state = state
        self.selectors = selectors
        tracker = ContainerTracker(proc: proc)
        tracker.runtime = self
    }

    /// A new container (re-created by the kubelet, or a pod awaited): its bundle is on
    /// disk before its init runs; read it off the reader thread.
    public func ask(about id: String) {
        let answers = self.answers, state = self.state, selectors = self.selectors
        let thread = Thread {
            let found = state.container(id: id)
            let wanted = found.flatMap { c in selectors.contains { $0.matches(c) } ? c : nil }
            answers.list.withLock { $0.append((id, wanted)) }
        }
        thread.start()
    }

    public var initialNamespaces: [UInt32] { initial.compactMap(\.pidnsInode) }

    /// The pods' containers now running: a generation each, with their processes.
    public func start(tsNs: UInt64, emit: (TraceRecord) -> Void) {
        for info in initial {
            let processes = Self.processes(of: info, proc: proc)
            tracker.follow(info, tsNs: tsNs, processes: processes, emit: emit)
        }
    }

    public func drainAnswers(tsNs: UInt64, emit: (TraceRecord) -> Void) -> [UInt32] {
        let taken = answers.list.withLock { a in
            defer { a.removeAll() }
            return a
        }
        var settled: [UInt32] = []
        for (id, c) in taken {
            settled += tracker.settle(id: id, name: c?.name, pod: c?.pod, runtime: c?.runtime)
        }
        return settled
    }

    /// The containers the selectors name, sandboxes first (a container sharing its
    /// pod's namespace joins the sandbox's generation). Unknown pods are an error,
    /// unless waited for.
    public static func resolve(_ selectors: [PodSelector], state: CRIState,
                               waitForStart: Bool = false) throws(ContainerError) -> [CRIContainer] {
        if !state.isPresent && !waitForStart { throw .noCRIRuntime(roots: state.roots) }
        let all = state.containers()
        var matched: [CRIContainer] = []
        for selector in selectors {
            let found = all.filter(selector.matches)
            let namespaces = Set(found.map(\.pod.namespace))
            if namespaces.count > 1 { throw .ambiguousPod(selector.pod, namespaces: namespaces.sorted()) }
            let hasApp = found.contains { !$0.pod.isSandbox }
            if found.isEmpty || (selector.container != nil && !hasApp) {
                if waitForStart { continue }
                throw .unknownPod(selector.description, pods: podList(all))
            }
            for c in found where !matched.contains(where: { $0.id == c.id }) { matched.append(c) }
        }
        return matched.sorted {
            ($0.pod.isSandbox ? 0 : 1, $0.pod.qualifiedName, $0.name) < ($1.pod.isSandbox ? 0 : 1, $1.pod.qualifiedName, $1.name)
        }
    }

    /// A CRI container as pidtrace follows it; not running when its init is gone.
    public static func info(_ c: CRIContainer, proc: ProcReader) -> ContainerInfo {
        let inode = c.initPID.flatMap { proc.namespaceInode(pid: $0) }
        let running = inode != nil
        return ContainerInfo(id: c.id, name: c.name, hostPID: running ? c.initPID! : 0, startedAt: nil,
                             running: running, pidnsInode: inode, source: .criState, pod: c.pod, runtime: c.runtime)
    }

    /// As `info`, but an init that is alive with a namespace pidtrace may not read
    /// is an error rather than a container silently not followed.
    public static func readableInfo(_ c: CRIContainer, proc: ProcReader) throws(ContainerError) -> ContainerInfo {
        let info = info(c, proc: proc)
        if !info.running, let pid = c.initPID, proc.status(pid: pid) != nil, proc.namespaceInode(pid: pid) == nil {
            throw .namespaceUnreadable(pid: pid)
        }
        return info
    }

    /// The processes of one container: those of its init's PID namespace in its cgroup.
    public static func processes(of info: ContainerInfo, proc: ProcReader) -> [ProcessEntry] {
        ProcessSnapshot.processes(of: info, proc: proc)
    }

    /// `namespace/pod (container, ...)` for every pod, for an error message.
    public static func podList(_ all: [CRIContainer]) -> [String] {
        var pods: [String: [String]] = [:]
        for c in all {
            pods[c.pod.qualifiedName, default: []] += c.pod.isSandbox ? [] : [c.name]
        }
        return pods.keys.sorted().map { key in
            let names = pods[key]!.sorted()
            return names.isEmpty ? key : "\(key) (\(names.joined(separator: ", ")))"
        }
    }
}

/// The bundles read on lookup threads, for the reader to apply.
private final class PodAnswers: Sendable {
    let list = Mutex<[(id: String, container: CRIContainer?)]>([])
}
