/// Encodes trace records as NDJSON lines (DESIGN.md §3) into a JSONBuffer.
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
            out.endObject()
        case let .process(p):
            encodeProcess(p, &out)
        case let .lost(l):
            common("lost", tsNs: l.tsNs, &out)
            out.field("count", l.count)
        case let .stop(s):
            common("stop", tsNs: s.tsNs, &out)
            out.field("events", s.events)
            out.field("lost", s.lost)
            out.field("reason", s.reason)
        }
        out.endObject()
        out.endLine()
    }

    private func common(_ event: StaticString, tsNs: UInt64, _ out: inout JSONBuffer) {
        out.field("event", string: UnsafeRawBufferPointer(start: event.utf8Start, count: event.utf8CodeUnitCount))
        out.field("time") { $0.appendTime(wallNs: clock.wallNs(bootNs: tsNs)) }
        out.field("ts_ns", tsNs)
    }

    private func encodeProcess(_ p: ProcessRecord, _ out: inout JSONBuffer) {
        let e = p.event
        switch e.kind {
        case .fork: common("fork", tsNs: e.tsNs, &out)
        case .exec: common("exec", tsNs: e.tsNs, &out)
        case .exit: common("exit", tsNs: e.tsNs, &out)
        }
        out.field("host_pid", e.hostPID)
        out.field("host_tid", e.hostTID)
        out.field("host_ppid", e.hostPPID)
        out.field("ns_pid", e.nsPID)
        out.field("ns_tid", e.nsTID)
        out.field("ns_ppid", e.nsPPID)
        out.field("ns_pids", integers: e.nsPIDs)
        out.field("pidns", e.pidns)
        out.field("ns_level", e.nsLevel)
        out.field("mntns", e.mntns)
        out.field("cgroup_id", e.cgroupID)
        out.field("comm", string: e.comm)
        out.field("uid", e.uid)
        out.field("gid", e.gid)
        if e.isThread { out.field("thread", true) }
        switch e.kind {
        case .fork:
            if e.startsNewPIDNamespace { out.field("new_pidns", true) }
        case .exec:
            out.field("filename", string: e.filename)
            let argv = p.argv ?? Argv(area: e.argsArea, areaTruncated: e.argsAreaTruncated)
            out.field("argv", strings: argv.args)
            out.field("argv_truncated", argv.truncated)
        case .exit:
            let status = e.exit
            if let code = status.code { out.field("exit_code", code) }
            if let sig = status.signal {
                out.field("signal", sig)
                out.field("signal_name", SignalName.of(sig))
            }
            out.field("core_dumped", status.coreDumped)
            out.field("age_ns", e.tsNs >= e.startNs ? e.tsNs - e.startNs : 0)
        }
    }
}
