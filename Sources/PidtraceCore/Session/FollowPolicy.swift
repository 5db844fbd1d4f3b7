/// Who a trace follows, decided in one place from the options: the host (or the
/// `--pid`/`--pidns` namespaces), named containers, pods of a CRI runtime, or every
/// container on the host (`pidtrace agent`).
public enum FollowPolicy: Sendable {
    case host
    case containers([String])
    case pods([PodSelector])
    case allContainers

    /// The follower that carries it out; nil for the host.
    func makeFollower(_ options: TraceOptions, proc: ProcReader) throws(ContainerError) -> RuntimeFollower? {
        switch self {
        case .host:
            return nil
        case let .containers(refs):
            return try ContainerFollower(refs: refs, dockerHost: options.dockerHost,
                                         waitForStart: options.waitForContainers, proc: proc)
        case let .pods(selectors):
            return try PodFollower(selectors: selectors, state: CRIState(roots: options.runtimeRoots),
                                   waitForStart: options.waitForContainers, proc: proc)
        case .allContainers:
            return try ContainerFollower(allOn: options.dockerHosts, cri: CRIState(roots: options.runtimeRoots), proc: proc)
        }
    }
}

extension TraceOptions {
    public var followPolicy: FollowPolicy {
        if followAllContainers { return .allContainers }
        if !pods.isEmpty { return .pods(pods) }
        if !containers.isEmpty { return .containers(containers) }
        return .host
    }
}
