/// The followed containers and the numbering of their runs: each container's name, pod
/// and runtime; its generations so far (for a pod's container, per `namespace/pod/name`:
/// the kubelet restarts a container under a new ID, and that is its next generation);
/// and its latest runs, to place what the runtime says of it by time (its events can
/// trail by more than a run). Part of `ContainerTracker`, on the reader thread.
struct GenerationRegistry {
    /// Followed containers by full ID → name and generations so far.
    private var followed: [String: (name: String, generations: Int)] = [:]
    /// Pod and runtime of followed containers, by ID (for their records).
    private var identities: [String: (pod: PodMeta?, runtime: String?)] = [:]
    private var podGenerations: [String: Int] = [:]
    private var runs: [String: [(attribution: ContainerAttribution, startNs: UInt64, startTold: Bool)]] = [:]
    static let runsKept = 8
    /// A bound on pod container names counted: a forgotten one continues from
    /// `previousGenerations`.
    static let podNamesKept = 1 << 16
    /// The runtime of containers not described one by one (Docker or Podman).
    var defaultRuntime: String?
    /// The generation number a container reached before this trace (a node agent's
    /// history): by container ID, or for a pod's container by `namespace/pod/name`.
    var previousGenerations: ((_ id: String, _ podKey: String?) -> Int)?

    var followedCount: Int { followed.count }
    /// Generations begun during this trace, over all followed containers.
    var generationCount: Int { followed.values.reduce(0) { $0 + $1.generations } }

    func isFollowed(_ id: String) -> Bool { followed[id] != nil }
    func name(of id: String) -> String? { followed[id]?.name }
    func isPodContainer(_ id: String) -> Bool { identities[id]?.pod != nil }

    /// Follows a container by ID (its first run numbered when it starts).
    mutating func follow(id: String, name: String) {
        if followed[id] == nil { followed[id] = (name, 0) }
    }

    mutating func describe(id: String, pod: PodMeta?, runtime: String?) {
        if pod != nil || runtime != nil { identities[id] = (pod, runtime) }
    }

    /// The next run of a followed container, begun at `startNs` (boot ns).
    mutating func startRun(of id: String, startNs: UInt64) -> ContainerAttribution {
        var entry = followed[id] ?? (String(id.prefix(12)), 0)
        let identity = identities[id]
        if entry.generations == 0, identity?.pod == nil { entry.generations = previousGenerations?(id, nil) ?? 0 }
        entry.generations += 1
        followed[id] = entry
        var generation = entry.generations
        if let pod = identity?.pod {
            let key = "\(pod.namespace)/\(pod.name)/\(entry.name)"
            if podGenerations.count >= Self.podNamesKept { podGenerations.removeAll() }
            generation = (podGenerations[key] ?? previousGenerations?(id, key) ?? 0) + 1
            podGenerations[key] = generation
        }
        let attribution = ContainerAttribution(id: id, name: entry.name, generation: generation,
                                               pod: identity?.pod, runtime: identity?.runtime ?? defaultRuntime)
        runs[id, default: []].append((attribution, startNs, false))
        if runs[id]!.count > Self.runsKept { runs[id]!.removeFirst() }
        return attribution
    }

    /// The run of a followed container that the runtime's `action` at `atNs` (boot ns) is
    /// about: the latest begun by then. A `start` belongs to a run whose start the runtime
    /// has not told yet (a run may be over before its `start` event is stamped), a
    /// `restart` to the run whose start it told last; nil while that run is not seen yet.
    mutating func run(of id: String, atNs: UInt64, action: String) -> ContainerAttribution? {
        guard let known = runs[id], !known.isEmpty else { return nil }
        switch action {
        case "start":
            guard let i = known.lastIndex(where: { $0.startNs <= atNs }), !known[i].startTold else { return nil }
            runs[id]![i].startTold = true
            return known[i].attribution
        case "restart":
            return known.last { $0.startTold && $0.startNs <= atNs }?.attribution
        default:
            return (known.last { $0.startNs <= atNs } ?? known[0]).attribution
        }
    }

    func latestRun(of id: String) -> ContainerAttribution? { runs[id]?.last?.attribution }

    mutating func forget(_ id: String) {
        followed[id] = nil
        identities[id] = nil
        runs[id] = nil
    }
}
