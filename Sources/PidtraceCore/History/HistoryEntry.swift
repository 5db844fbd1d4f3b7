/// One ended generation of a container, as the history keeps it: who it was, its PID 1,
/// when it ran, how it ended and why (the story's findings), and, for `pidtrace why`,
/// its records. Made by `init?(generation:records:bootID:)` from the story, or by
/// `notObserved(...)` for a generation that ended while no agent was watching.
///
/// Its durable identity is (boot ID, container ID, PID namespace inode, init's host PID,
/// init's start time, the runtime's finish time for an entry not observed): the store
/// keeps each once. The kernel reuses namespace inodes and host PIDs; not both with
/// the same start time.
public struct HistoryEntry: Sendable, Equatable {
    /// /proc/sys/kernel/random/boot_id of the boot it ran in: boot-time stamps compare within it.
    public var bootID: String
    public var containerID: String
    public var containerName: String?
    /// `docker`, `podman`, `containerd`, `cri-o`; nil when unknown.
    public var runtime: String?
    /// The Kubernetes pod, its namespace and UID, for a pod's container.
    public var pod: String?
    public var namespace: String?
    public var podUID: String?
    /// Which start of the container: 1, 2, 3, … (per container ID; per pod container name in a pod).
    public var generation: Int
    /// The init's host PID and its PID namespace inode; 0 for an entry not observed.
    public var initHostPID: Int
    public var pidns: Int
    /// When the init started (boot-time ns, as `start_ts_ns`); 0 when its exit was not
    /// recorded, or for an entry not observed.
    public var initStartNs: Int
    /// The init's PID in its namespace: 1, or another in a namespace shared with a pod.
    public var initNSPID: Int?
    /// The init's command lines: its argv when first seen, then each exec.
    public var execChain: [[String]]
    public var start: TraceReport.Stamp?
    public var end: TraceReport.Stamp
    /// The start was seen (false: the init was already running when the agent began watching).
    public var startSeen: Bool
    /// Wall-clock end in ns since the epoch: the history's order, `--since` and retention.
    public var endUnixNs: Int
    /// `exit`, the name of the signal that killed the init (`SIGKILL` for an OOM kill),
    /// or `unknown` for an entry not observed.
    public var how: String
    public var exitCode: Int?
    public var signal: Int?
    /// Who sent the signal that killed the init, when it was recorded.
    public var sender: Sender?
    public var cause: TraceReport.Cause
    /// One line: "PID 1 (sh) ignored SIGTERM from runc; SIGKILL from runc 10.0 s later".
    public var headline: String
    public var findings: [TraceReport.Finding]
    public var sigtermIgnored: Bool
    /// From the request to end (SIGTERM, ...) to the init's end.
    public var stopDelayNs: Int?
    public var oomKills: [OOMKill]
    /// Processes still zombies when the generation ended.
    public var neverReaped: [TraceReport.ProcessRef]
    public var processesSeen: Int
    /// false: it ended while no agent was watching; only what the runtime said is known.
    public var observed: Bool
    /// For an entry not observed: the runtime's finish time, which tells such entries apart.
    public var runtimeFinishedAt: String?
    /// The generation's records, NDJSON lines as `-o FILE` writes them (without newlines):
    /// what `commit` stores; empty in entries read back (`HistoryStore.records(of:)` reads them).
    public var records: [String]
    /// The entry's row in the store; nil before it was committed.
    public internal(set) var storeID: Int64?

    public struct Sender: Sendable, Equatable {
        public var hostPID: Int?
        public var comm: String?
        /// The sender's container, when it was in a followed one.
        public var container: String?
        /// `process`, `kernel` or `pidns_teardown` (docs/record.md, `signal`).
        public var origin: String?
    }

    public struct OOMKill: Sendable, Equatable {
        public var hostPID: Int
        public var nsPID: Int?
        public var comm: String?
        public var isInit: Bool
        public var time: String?
    }
}
