import CLibbpf
import CPidtrace
import Glibc

/// What the kernel side is told before load.
public struct TracerConfig: Sendable, Equatable {
    /// Follow only these PID namespaces (and those nested below them); empty = whole host.
    public var pidNamespaces: [UInt32] = []
    /// True when the filter is on even with no namespace yet (e.g. waiting for a container).
    public var filtered = false
    public var kinds: Set<EventKind> = EventKind.defaults
    public var threads = false
    /// Every signal, not only fatal and stop ones (and all to a namespace's PID 1).
    public var allSignals = false
    /// Following containers: the kernel side watches each new PID namespace from its
    /// init's fork until user space claims it (watch) or drops it (unwatch).
    public var watchNewPIDNamespaces = false
    /// 4 MiB: no loss in the benchmark storms, and it is resident twice over (the
    /// kernel maps the data pages twice), so it is most of the tracer's RSS.
    public var ringBytes: UInt32 = 4 << 20
    /// Pending bytes that wake the consumer; below that it reads on its poll timeout.
    public var wakeupBytes: UInt64 { UInt64(ringBytes / 8) }

    public init() {}

    var isFiltered: Bool { filtered || !pidNamespaces.isEmpty }
}

/// The BPF program's lifetime: open, configure, load, attach, detach, free.
/// The embedded object comes from the skeleton, so the binary needs no file beside it.
public final class BPFTracer: @unchecked Sendable {
    private let skel: OpaquePointer
    private var attached = false

    /// Event kinds asked for that this kernel cannot record, and why.
    public private(set) var unavailable: [EventKind: String]
    /// The programs loaded per kind, and the kinds asked for.
    private let plan: [EventKind: [pt_program]]
    private let kinds: Set<EventKind>

    /// Loads the programs for the kinds asked for that this kernel supports. A program
    /// the kernel refuses costs its own kind only; it fails whole only when none of
    /// the kinds asked for can be recorded.
    public init(config: TracerConfig, verbose: Bool = false, support: KernelSupport? = nil) throws(BPFError) {
        pt_set_libbpf_verbose(verbose)
        let given = support
        var support: KernelSupport
        if let given { support = given } else { support = try KernelSupport.probe() }
        var plan = support.programs(for: config.kinds)
        var loaded: OpaquePointer
        do throws(BPFError) {
            loaded = try Self.load(config, programs: plan.values.flatMap { $0 })
        } catch let whole {
            // Find what the kernel refuses, one kind at a time.
            for (kind, programs) in plan.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                do throws(BPFError) {
                    pt_destroy(try Self.load(config, programs: programs))
                } catch {
                    support.unavailable[kind] = "the kernel refused its BPF program (\(error)); it loads on Linux \(KernelSupport.testedKernels): run with --verbose for the verifier's log"
                    plan[kind] = nil
                }
            }
            if plan.isEmpty { throw whole }
            loaded = try Self.load(config, programs: plan.values.flatMap { $0 })
        }
        let unavailable = support.unavailable.filter { config.kinds.contains($0.key) }
        // Before the properties are set: once they are, a throw runs deinit.
        if !config.kinds.isEmpty, config.kinds.allSatisfy({ unavailable[$0] != nil }) {
            pt_destroy(loaded)
            throw BPFError(operation: "load BPF programs (none of the event kinds asked for is available here)", errno: EOPNOTSUPP)
        }
        skel = loaded
        self.unavailable = unavailable
        self.plan = plan
        kinds = config.kinds
        for ns in config.pidNamespaces { try watch(pidNamespace: ns) }
    }

    /// Opens, configures and loads the object with only `programs` loaded.
    private static func load(_ config: TracerConfig, programs: [pt_program]) throws(BPFError) -> OpaquePointer {
        guard let skel = pt_open() else { throw BPFError(operation: "open BPF object", errno: errno) }
        var c = pt_config(
            filter_pidns: config.isFiltered,
            trace_threads: config.threads,
            all_signals: config.allSignals,
            watch_new_pidns: config.watchNewPIDNamespaces,
            kind_mask: config.kinds.reduce(0) { $0 | (1 << $1.rawValue) },
            ring_bytes: config.ringBytes,
            wakeup_bytes: config.wakeupBytes)
        var rc = pt_configure(skel, &c)
        if rc < 0 {
            pt_destroy(skel)
            throw BPFError(operation: "size the ring buffer", errno: -rc)
        }
        for p in 0..<PT_PROG_COUNT.rawValue {
            let program = pt_program(rawValue: p)
            _ = pt_set_autoload(skel, program, programs.contains(program))
        }
        rc = pt_load(skel)
        if rc < 0 {
            pt_destroy(skel)
            throw BPFError(operation: "load BPF programs", errno: -rc)
        }
        return skel
    }

    /// Attaches each loaded program. One the kernel refuses to attach costs its own
    /// kind (named in `unavailable`) unless nothing asked for is left.
    public func attach() throws(BPFError) {
        var firstError: BPFError?
        for (kind, programs) in plan.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for program in programs {
                let rc = pt_attach_program(skel, program)
                guard rc < 0 else { continue }
                let error = BPFError(operation: "attach the \(kind.name) program", errno: -rc)
                firstError = firstError ?? error
                if kinds.contains(kind) {
                    unavailable[kind] = "the kernel refused to attach its BPF program (\(error))"
                }
            }
        }
        if let firstError, !kinds.isEmpty, kinds.allSatisfy({ unavailable[$0] != nil }) {
            pt_detach(skel)
            throw firstError
        }
        attached = true
    }

    /// Stops new events; those already in the ring stay readable.
    public func detach() {
        guard attached else { return }
        pt_detach(skel)
        attached = false
    }

    public var ringBufferFD: Int32 { pt_events_fd(skel) }

    /// The host's PID namespace (init_pid_ns): its inode is PROC_PID_INIT_INO on every kernel.
    public static let hostPIDNamespace: UInt32 = 0xEFFF_FFFC

    /// Adds a PID namespace (by inode) to the in-kernel filter. `initHostPID`: its
    /// init's, which ties the entry to this namespace: the kernel side drops it at that
    /// init's release, and `unwatch` only while it is still this one's (the kernel
    /// reuses a freed inode at once). 0: kept until unwatched (--pid, --pidns).
    public func watch(pidNamespace inode: UInt32, initHostPID: UInt32 = 0) throws(BPFError) {
        var key = inode
        var watchedFor = initHostPID
        if bpf_map_update_elem(pt_watched_pidns_fd(skel), &key, &watchedFor, UInt64(BPF_ANY)) != 0 {
            throw BPFError(operation: "watch PID namespace \(inode)", errno: errno)
        }
        // The BPF side settles the host's tasks from this flag, not the map.
        if inode == Self.hostPIDNamespace { pt_set_host_pidns_watched(skel, true) }
    }

    /// Drops a namespace watched for this init (the kernel side's entry from its fork, or
    /// `watch`'s); an entry another namespace has in the reused inode stays. (Between the
    /// look and the delete no other can come: a new one is added only where none is.)
    public func unwatch(pidNamespace inode: UInt32, initHostPID: UInt32) {
        var key = inode
        var watchedFor: UInt32 = 0
        guard bpf_map_lookup_elem(pt_watched_pidns_fd(skel), &key, &watchedFor) == 0, watchedFor == initHostPID else { return }
        _ = bpf_map_delete_elem(pt_watched_pidns_fd(skel), &key)
        if inode == Self.hostPIDNamespace { pt_set_host_pidns_watched(skel, false) }
    }

    /// Whether the in-kernel filter watches this namespace now (from its init's fork,
    /// tentatively, or by a claim).
    public func isWatched(pidNamespace inode: UInt32) -> Bool {
        var key = inode
        var watchedFor: UInt32 = 0
        return bpf_map_lookup_elem(pt_watched_pidns_fd(skel), &key, &watchedFor) == 0
    }

    /// What the kernel side kept of a new PID namespace's init at its fork: its start
    /// (boot ns) and the last two names of its cgroup path ("parent/name"); nil when
    /// it kept none (not seen forking, or long ended).
    public func initCgroup(hostPID: UInt32) -> (startNs: UInt64, tail: String)? {
        var key = hostPID
        var names = pt_init_cgroup()
        guard bpf_map_lookup_elem(pt_init_cgroups_fd(skel), &key, &names) == 0 else { return nil }
        let name = withUnsafeBytes(of: names.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let parent = withUnsafeBytes(of: names.parent) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return name.isEmpty ? nil : (names.start_ns, parent + "/" + name)
    }

    /// That of this very process: another's when its tgid was reused.
    public func cgroupTail(ofNamespaceInit hostPID: UInt32, startNs: UInt64) -> String? {
        guard let kept = initCgroup(hostPID: hostPID), kept.startNs == startNs else { return nil }
        return kept.tail
    }

    /// The PID namespaces the in-kernel filter watches now (ended ones leave it when
    /// their init is released).
    public func watchedNamespaceCount() -> Int {
        let fd = pt_watched_pidns_fd(skel)
        var count = 0
        var key: UInt32 = 0
        var next: UInt32 = 0
        var status = bpf_map_get_next_key(fd, nil, &next)
        while status == 0 {
            count += 1
            key = next
            status = bpf_map_get_next_key(fd, &key, &next)
        }
        return count
    }

    /// Events the kernel side could not reserve ring space for, summed over CPUs. A
    /// failed read throws: read as 0, it would make a `stop` record look exact.
    public func readLostCount() throws(BPFError) -> UInt64 {
        let fd = pt_lost_fd(skel)
        return try Self.sumLost(cpus: Int(libbpf_num_possible_cpus())) { values in
            var key: UInt32 = 0
            return bpf_map_lookup_elem(fd, &key, values.baseAddress) == 0 ? 0 : errno
        }
    }

    /// The run-time statistics of each loaded program (see `BPFProgramStats`), in
    /// program order; one the kernel cannot report on is left out.
    public func programStats() -> [BPFProgramStats] {
        plan.values.flatMap { $0 }.sorted { $0.rawValue < $1.rawValue }.compactMap { program in
            var ns: UInt64 = 0, runs: UInt64 = 0
            guard pt_program_stats(skel, program, &ns, &runs) == 0, let name = pt_program_name(skel, program) else { return nil }
            let full = String(cString: name)
            return BPFProgramStats(program: full.hasPrefix("handle_") ? String(full.dropFirst(7)) : full,
                                   runTimeNs: ns, runCount: runs)
        }
    }

    /// Sums the per-CPU `lost` counters that `lookup` fills in (it returns 0, or the
    /// errno of a failed read). Apart from the map so that a failure can be tested.
    static func sumLost(cpus: Int,
                        lookup: (UnsafeMutableBufferPointer<UInt64>) -> Int32) throws(BPFError) -> UInt64 {
        let operation = "read the lost-event counter (map lost)"
        // libbpf returns -errno when it cannot read /sys/devices/system/cpu/possible.
        guard cpus > 0 else { throw BPFError(operation: operation, errno: cpus < 0 ? Int32(-cpus) : EINVAL) }
        var values = [UInt64](repeating: 0, count: cpus)
        let failure = values.withUnsafeMutableBufferPointer { lookup($0) }
        if failure != 0 { throw BPFError(operation: operation, errno: failure) }
        return values.reduce(0, +)
    }

    private func check(_ rc: Int32, _ operation: String) throws(BPFError) {
        if rc < 0 { throw BPFError(operation: operation, errno: -rc) }
    }

    deinit {
        pt_destroy(skel)
    }
}
