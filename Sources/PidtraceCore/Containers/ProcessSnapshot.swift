/// One live process as /proc shows it, with both PID views.
public struct ProcessEntry: Sendable, Equatable {
    public var hostPID: Int32
    public var hostPPID: Int32
    /// PID in the process's own (innermost) PID namespace.
    public var nsPID: UInt32
    /// Parent's PID in the process's own namespace; 0 when the parent lives outside
    /// it (what `getppid()` says inside).
    public var nsPPID: UInt32
    /// The `NSpid:` chain, outermost first.
    public var nsPIDs: [UInt32]
    public var pidns: UInt32
    public var comm: String
    /// `/proc/PID/cmdline` split at NULs (empty for kernel threads and zombies).
    public var argv: [[UInt8]]
    public var uid: UInt32?
    public var gid: UInt32?
    /// Start time in clock ticks after boot (field 22 of `/proc/PID/stat`): with the
    /// PID it names one process across PID reuse.
    public var startTicks: UInt64?

    public init(hostPID: Int32, hostPPID: Int32, nsPID: UInt32, nsPPID: UInt32, nsPIDs: [UInt32], pidns: UInt32,
                comm: String, argv: [[UInt8]], uid: UInt32? = nil, gid: UInt32? = nil, startTicks: UInt64? = nil) {
        self.hostPID = hostPID
        self.hostPPID = hostPPID
        self.nsPID = nsPID
        self.nsPPID = nsPPID
        self.nsPIDs = nsPIDs
        self.pidns = pidns
        self.comm = comm
        self.argv = argv
        self.uid = uid
        self.gid = gid
        self.startTicks = startTicks
    }

    /// Nesting level of the process's PID namespace (0 = host).
    public var nsLevel: Int { nsPIDs.count - 1 }
}

/// The processes of a PID namespace (a container), read from /proc: those whose
/// `/proc/PID/ns/pid` is the namespace itself, and those in namespaces nested
/// below it (Docker in Docker), found by walking parents up to a process of the
/// namespace. Processes that vanish while being read are left out.
public enum ProcessSnapshot {
    /// The live processes of a running container, its init first: those of its init's
    /// PID namespace (and below) but the ones whose cgroup names another container (a
    /// pod's shared namespace holds every container of the pod, and the sandbox's PID 1).
    /// `all`: every process, read once (`readAll`) for many containers at a time.
    public static func processes(of container: ContainerInfo, proc: ProcReader = ProcReader(),
                                 all: [Int32: ProcessEntry]? = nil) -> [ProcessEntry] {
        guard container.running, container.hostPID > 0 else { return [] }
        return processes(inPIDNamespaceOf: container.hostPID, proc: proc, all: all).filter { entry in
            guard let inode = container.pidnsInode, entry.pidns == inode else { return true }
            return belongs(entry.hostPID, to: container.id, proc: proc)
        }
    }

    /// Whether a process's cgroup names this container, or none (a process whose
    /// cgroup cannot be read any more is left out).
    static func belongs(_ hostPID: Int32, to id: String, proc: ProcReader) -> Bool {
        guard let text = proc.readText("\(proc.root)/\(hostPID)/cgroup") else { return false }
        let named = CgroupResolver.containerID(inCgroupFile: text)
        return named == nil || named == id
    }

    /// The live processes in the PID namespace of `hostPID` and below it, ordered by
    /// their PID as seen in that namespace.
    public static func processes(inPIDNamespaceOf hostPID: Int32, proc: ProcReader = ProcReader(),
                                 all: [Int32: ProcessEntry]? = nil) -> [ProcessEntry] {
        guard let inode = proc.namespaceInode(pid: hostPID), let chain = proc.nsPIDs(pid: hostPID) else { return [] }
        let level = chain.count - 1
        let all = all ?? readAll(proc: proc)
        var members: [ProcessEntry] = []
        for var e in all.values where isMember(e, inode: inode, level: level, all: all) {
            e.nsPPID = nsPPID(of: e, parent: all[e.hostPPID])
            members.append(e)
        }
        return members.sorted { a, b in
            a.nsPIDs[level] != b.nsPIDs[level] ? a.nsPIDs[level] < b.nsPIDs[level] : a.nsPIDs.count < b.nsPIDs.count
        }
    }

    /// Every live process on the host, by host PID (`nsPPID` left 0): one pass over
    /// /proc, five files per process.
    public static func readAll(proc: ProcReader = ProcReader()) -> [Int32: ProcessEntry] {
        var all: [Int32: ProcessEntry] = [:]
        for pid in proc.pids() {
            if let e = readEntry(hostPID: pid, proc: proc) { all[pid] = e }
        }
        return all
    }

    /// One process, with its `nsPPID` worked out from its parent.
    public static func entry(hostPID: Int32, proc: ProcReader = ProcReader()) -> ProcessEntry? {
        guard var e = readEntry(hostPID: hostPID, proc: proc) else { return nil }
        e.nsPPID = nsPPID(of: e, parent: e.hostPPID > 0 ? readEntry(hostPID: e.hostPPID, proc: proc) : nil)
        return e
    }

    static func isMember(_ e: ProcessEntry, inode: UInt32, level: Int, all: [Int32: ProcessEntry]) -> Bool {
        if e.pidns == inode { return true }
        guard e.nsPIDs.count - 1 > level else { return false }
        // Deeper: a nested namespace's processes descend from one in the outer one
        // (an orphaned nested init is re-parented to the outer namespace's reaper).
        var current = e
        for _ in 0..<256 {
            guard let parent = all[current.hostPPID] else { return false }
            if parent.pidns == inode { return true }
            if parent.nsPIDs.count - 1 <= level { return false }
            current = parent
        }
        return false
    }

    static func nsPPID(of e: ProcessEntry, parent: ProcessEntry?) -> UInt32 {
        guard let parent, parent.pidns == e.pidns, let last = parent.nsPIDs.last else { return 0 }
        return last
    }

    /// Reads status, comm, cmdline, stat and ns/pid; `nsPPID` is left 0.
    static func readEntry(hostPID pid: Int32, proc: ProcReader) -> ProcessEntry? {
        guard let status = proc.status(pid: pid),
              let chain = status["NSpid"].map(parseNumbers), let nsPID = chain.last,
              let pidns = proc.namespaceInode(pid: pid) else { return nil }
        let ppid = status["PPid"].flatMap { Int32($0.trimmingSpaces()) } ?? 0
        var comm = proc.readText("\(proc.root)/\(pid)/comm") ?? status["Name"] ?? ""
        if comm.hasSuffix("\n") { comm.removeLast() }
        var argv = (proc.readBytes("\(proc.root)/\(pid)/cmdline") ?? [])
            .split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
        if argv.last?.isEmpty == true { argv.removeLast() }
        return ProcessEntry(
            hostPID: pid, hostPPID: ppid, nsPID: nsPID, nsPPID: 0, nsPIDs: chain, pidns: pidns,
            comm: comm, argv: argv,
            uid: status["Uid"].flatMap { parseNumbers($0).first }, gid: status["Gid"].flatMap { parseNumbers($0).first },
            startTicks: proc.readText("\(proc.root)/\(pid)/stat").flatMap(startTicks))
    }

    static func parseNumbers(_ text: String) -> [UInt32] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
    }

    /// Field 22 of /proc/PID/stat; counted after the last ')' since comm may hold
    /// spaces and parentheses.
    static func startTicks(_ stat: String) -> UInt64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
