/// What `pidtrace summary` and `pidtrace tree` know about a recorded NDJSON file:
/// one `Generation` per container run (container id + generation) or, for traces
/// without containers, per PID namespace generation (inode + its init's host PID).
public struct TraceReport: Sendable {
    public var stream = StreamFacts()
    /// In order of first appearance in the file.
    public var generations: [Generation] = []
    /// One per malformed or over-long line, in line order.
    public var diagnostics: [Diagnostic] = []

    public var malformedLines: [Int] { diagnostics.map(\.line) }

    /// Containers in order of first appearance, with their generations in the file.
    public var containers: [ContainerRuns] {
        var result: [ContainerRuns] = []
        var position: [String: Int] = [:]
        for case let c? in generations.map(\.container) {
            if let i = position[c.id] {
                result[i].generations += 1
                result[i].name = result[i].name ?? c.name
            } else {
                position[c.id] = result.count
                result.append(ContainerRuns(id: c.id, name: c.name, generations: 1))
            }
        }
        return result
    }

    /// Containers grouped by name (recreated under the same name), in order of first
    /// appearance; a container without a name is a group of its own.
    public var containersByName: [[ContainerRuns]] {
        var groups: [[ContainerRuns]] = []
        var position: [String: Int] = [:]
        for c in containers {
            let key = c.name.map { "name:" + $0 } ?? "id:" + c.id
            if let i = position[key] {
                groups[i].append(c)
            } else {
                position[key] = groups.count
                groups.append([c])
            }
        }
        return groups
    }

    /// The generations of the container with this name, full ID or ID prefix.
    public func generations(ofContainer ref: String) -> [Generation] {
        generations.filter { g in
            guard let c = g.container, !ref.isEmpty else { return false }
            return c.name == ref || c.id.hasPrefix(ref)
        }
    }
}

extension TraceReport {
    public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Facts about the recording itself.
    public struct StreamFacts: Sendable, Equatable {
        /// Lines that decoded as records, including events this reader does not know.
        public var records = 0
        /// The file ends with a `stop` record; a file without one was cut short.
        public var complete = false
        public var stopReason: String?
        /// The `stop` record's total when present, else the sum of `lost` records.
        public var lost = 0
        public var hostname: String?
        public var version: String?
        public var startTime: String?
        public var stopTime: String?
    }

    /// A container across the file: restarts are its generations in the file minus one.
    public struct ContainerRuns: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var generations: Int
        public var restarts: Int { generations - 1 }
    }

    /// A container's identity in one run.
    public struct ContainerIdentity: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var generation: Int
        /// `docker`, `podman`, `containerd`, `cri-o`, as the records say; nil when unknown.
        public var runtime: String?
        /// The Kubernetes pod of a CRI container.
        public var pod: PodMeta?
    }

    /// When a record was written: the RFC 3339 text as recorded, and boot-time ns.
    public struct Stamp: Sendable, Equatable {
        public var time: String?
        public var tsNs: Int?
    }
}
