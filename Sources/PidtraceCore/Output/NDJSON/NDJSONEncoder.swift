/// Encodes trace records as NDJSON lines into a JSONBuffer. The lines are a contract:
/// docs/record.md documents every field (RecordDocTests keeps it complete); add fields,
/// never rename or drop one.
public struct NDJSONEncoder: Sendable {
    public let clock: BootClock

    public init(clock: BootClock) { self.clock = clock }

    public func encode(_ record: TraceRecord, into out: inout JSONBuffer) {
        out.beginObject()
        switch record {
        case let .start(s):
            common("start", tsNs: s.tsNs, &out)
            out.field("version", s.version)
            out.field("hostname", s.hostname)
            out.field("kernel", s.kernel)
            out.field("boot_id", s.bootID)
            out.field("tracer_pid", s.tracerPID)
            out.beginObject("filters")
            out.field("pidns", integers: s.filters.pidNamespaces)
            out.field("events", strings: s.filters.kinds.map { Array($0.name.utf8) })
            out.field("threads", s.filters.threads)
            if !s.filters.containers.isEmpty { out.field("containers", strings: s.filters.containers.map { Array($0.utf8) }) }
            out.endObject()
            if !s.unavailable.isEmpty {
                out.beginObject("unavailable")
                for (kind, reason) in s.unavailable.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    switch kind { // keys are static strings
                    case .fork: out.field("fork", reason)
                    case .exec: out.field("exec", reason)
                    case .exit: out.field("exit", reason)
                    case .signal: out.field("signal", reason)
                    case .oomKill: out.field("oom_kill", reason)
                    case .reap: out.field("reap", reason)
                    case .execFailed: out.field("exec_failed", reason)
                    }
                }
                out.endObject()
            }
        case let .process(p):
            encodeProcess(p, &out)
        case let .lost(l):
            common("lost", tsNs: l.tsNs, &out)
            out.field("count", l.count)
        case let .notice(n):
            common("notice", tsNs: n.tsNs, &out)
            out.field("kind", plain: n.notice.kind.name)
            out.field("message", n.notice.message)
        case let .runtimeEvent(r):
            common("runtime_event", tsNs: r.tsNs, &out)
            out.field("action", r.action)
            if let wallNs = r.runtimeTimeNs { out.field("runtime_time") { $0.appendTime(wallNs: wallNs) } }
            if let count = r.restartCount { out.field("restart_count", count) }
            if let signal = r.signal {
                out.field("signal", signal)
                out.field("signal_name", SignalName.of(signal))
            }
            if let code = r.exitCode { out.field("exit_code", code) }
            if let error = r.error { out.field("error", error) }
            encodeContainer(r.container, &out)
        case let .stop(s):
            common("stop", tsNs: s.tsNs, &out)
            out.field("events", s.events)
            out.field("lost", s.lost)
            out.field("reason", s.reason)
            if let error = s.error { out.field("error", error) }
            if s.lostUnknown { out.field("lost_unknown", true) }
        case let .snapshot(snap):
            encodeSnapshot(snap, &out)
        case let .containerStart(c):
            common("container_start", tsNs: c.tsNs, &out)
            encodeLifecycle(c, &out)
            if let startedAt = c.startedAt { out.field("started_at", startedAt) }
        case let .containerExit(c):
            common("container_exit", tsNs: c.tsNs, &out)
            encodeLifecycle(c, &out)
            if let exit = c.exit { encodeExitStatus(exit, &out) }
        case let .reap(r):
            common("reap", tsNs: r.tsNs, &out)
            processFields(r.exit, &out)
            out.beginObject("reaper")
            out.field("host_pid", r.reaper.hostPID)
            if let nsPID = r.reaperNSPID { out.field("ns_pid", nsPID) }
            out.field("comm", string: r.reaper.comm)
            out.endObject()
            out.field("zombie_ns", r.zombieNs)
            out.field("reparented_to_ns_init", r.reparentedToNamespaceInit)
            encodeContainer(r.exit.container, &out)
        case let .zombie(z):
            common("zombie", tsNs: z.tsNs, &out)
            processFields(z.exit, &out)
            out.field("zombie_ns", z.zombieNs)
            encodeContainer(z.exit.container, &out)
        }
        out.endObject()
        out.endLine()
    }

    private func common(_ event: StaticString, tsNs: UInt64, _ out: inout JSONBuffer) {
        out.field("event", plain: event)
        out.field("time") { $0.appendTime(wallNs: clock.wallNs(bootNs: tsNs)) }
        out.field("ts_ns", tsNs)
    }

    private func encodeProcess(_ p: ProcessRecord, _ out: inout JSONBuffer) {
        // Through `p.event` each time: a local copy of the event costs more than the encoding.
        switch p.detail {
        case .fork: common("fork", tsNs: p.event.tsNs, &out)
        case .exec: common("exec", tsNs: p.event.tsNs, &out)
        case .exit: common("exit", tsNs: p.event.tsNs, &out)
        case .signal: common("signal", tsNs: p.event.tsNs, &out)
        case .oomKill: common("oom_kill", tsNs: p.event.tsNs, &out)
        case .execFailed: common("exec_failed", tsNs: p.event.tsNs, &out)
        }
        processFields(p, &out)
        switch p.detail {
        case .fork:
            if p.event.startsNewPIDNamespace { out.field("new_pidns", true) }
        case let .exec(argv):
            out.field("filename", string: p.event.filename)
            out.field("argv", strings: argv)
            out.field("argv_truncated", argv.truncated)
        case .exit:
            encodeExitStatus(p.event.exit, &out)
            out.field("age_ns", p.event.tsNs >= p.event.startNs ? p.event.tsNs - p.event.startNs : 0)
        case let .signal(senderContainer):
            if let s = p.event.signal {
                out.field("signal", s.number)
                out.field("signal_name", SignalName.of(s.number))
                out.field("si_code", s.code)
                out.field("result", s.resultName)
                out.field("group", s.group)
                out.field("origin", plain: s.origin.name)
            }
            if let sender = p.event.peer {
                out.beginObject("sender")
                out.field("host_pid", sender.hostPID)
                out.field("host_tid", sender.hostTID)
                if sender.nsPID != 0 { out.field("ns_pid", sender.nsPID) }
                out.field("pidns", sender.pidns)
                out.field("comm", string: sender.comm)
                encodeContainer(senderContainer, &out)
                out.endObject()
            }
        case .oomKill:
            if let memcg = p.event.memcgID { out.field("memcg_id", memcg) }
        case let .execFailed(argv):
            out.field("filename", string: p.event.filename)
            out.field("argv", strings: argv)
            out.field("argv_truncated", argv.truncated)
            if let failure = p.event.execFailure {
                out.field("errno", failure.errno)
                out.field("error", ErrnoName.of(failure.errno))
                out.field("syscall", plain: failure.execveat ? "execveat" : "execve")
            }
        }
        encodeContainer(p.container, &out)
    }

    /// The process identity every process record carries. Read through the record:
    /// an event passed by value is copied out of it first, and costs more than this.
    private func processFields(_ p: ProcessRecord, _ out: inout JSONBuffer) {
        out.field("host_pid", p.event.hostPID)
        out.field("host_tid", p.event.hostTID)
        out.field("host_ppid", p.event.hostPPID)
        out.field("ns_pid", p.event.nsPID)
        out.field("ns_tid", p.event.nsTID)
        out.field("ns_ppid", p.event.nsPPID)
        out.field("ns_pids", pids: p.event.nsPIDs)
        out.field("pidns", p.event.pidns)
        out.field("ns_level", p.event.nsLevel)
        out.field("mntns", p.event.mntns)
        out.field("cgroup_id", p.event.cgroupID)
        out.field("comm", string: p.event.comm)
        out.field("uid", p.event.uid)
        out.field("gid", p.event.gid)
        if p.event.isThread { out.field("thread", true) }
    }

    private func encodeExitStatus(_ status: ExitStatus, _ out: inout JSONBuffer) {
        if let code = status.code { out.field("exit_code", code) }
        if let sig = status.signal {
            out.field("signal", sig)
            out.field("signal_name", SignalName.of(sig))
        }
        out.field("core_dumped", status.coreDumped)
    }

    private func encodeContainer(_ c: ContainerAttribution?, _ out: inout JSONBuffer) {
        guard let c else { return }
        out.field("container_id", c.id)
        out.field("container_name", c.name)
        out.field("container_generation", c.generation)
        Self.encodeRuntime(c.runtime, pod: c.pod, &out)
    }

    /// The runtime and, for a pod's container, the pod (records and `ps --json` alike).
    public static func encodeRuntime(_ runtime: String?, pod: PodMeta?, _ out: inout JSONBuffer) {
        if let runtime { out.field("runtime", runtime) }
        if let pod {
            out.field("pod", pod.name)
            out.field("namespace", pod.namespace)
            out.field("pod_uid", pod.uid)
            if pod.isSandbox { out.field("pod_sandbox", true) }
        }
    }

    private func encodeLifecycle(_ c: ContainerLifecycle, _ out: inout JSONBuffer) {
        encodeContainer(c.container, &out)
        out.field("host_pid", c.initHostPID)
        out.field("ns_pid", c.initNSPID)
        out.field("pidns", c.pidns)
    }

    /// Same keys as a process record, from /proc instead of the kernel event.
    private func encodeSnapshot(_ s: SnapshotRecord, _ out: inout JSONBuffer) {
        common("snapshot", tsNs: s.tsNs, &out)
        Self.encodeProcessEntry(s.process, &out)
        out.field("mntns", s.mntns)
        out.field("observed", plain: s.observed.name)
        encodeContainer(s.container, &out)
    }

    /// A process as /proc shows it (`snapshot` records, `pidtrace ps --json`).
    public static func encodeProcessEntry(_ p: ProcessEntry, _ out: inout JSONBuffer) {
        out.field("host_pid", p.hostPID)
        out.field("host_tid", p.hostPID)
        out.field("host_ppid", p.hostPPID)
        out.field("ns_pid", p.nsPID)
        out.field("ns_tid", p.nsPID)
        out.field("ns_ppid", p.nsPPID)
        out.field("ns_pids", integers: p.nsPIDs)
        out.field("pidns", p.pidns)
        out.field("ns_level", p.nsLevel)
        out.field("comm", p.comm)
        if let uid = p.uid { out.field("uid", uid) }
        if let gid = p.gid { out.field("gid", gid) }
        out.field("argv", strings: p.argv)
    }
}
