extension HistoryEntry {
    /// `pidtrace history --json`: one object per entry per line (NDJSON), fields as
    /// docs/history.md lists them; a field that does not apply is absent, as in records.
    public static func ndjson(_ entries: [HistoryEntry]) -> [UInt8] {
        var out = JSONBuffer(capacity: 4096)
        for e in entries {
            out.beginObject()
            e.encode(&out)
            out.endObject()
            out.endLine()
        }
        return out.bytes
    }

    private func encode(_ out: inout JSONBuffer) {
        out.field("container_id", containerID)
        if let v = containerName { out.field("container_name", v) }
        out.field("container_generation", generation)
        if let v = runtime { out.field("runtime", v) }
        if let v = pod { out.field("pod", v) }
        if let v = namespace { out.field("namespace", v) }
        if let v = podUID { out.field("pod_uid", v) }
        out.field("boot_id", bootID)
        out.field("observed", observed)
        if observed {
            out.field("init_host_pid", initHostPID)
            out.field("pidns", pidns)
            if let v = initNSPID { out.field("init_ns_pid", v) }
            if initStartNs > 0 { out.field("init_start_ns", initStartNs) }
        }
        out.field("exec_chain") { Self.encode(execChain: execChain, &$0) }
        if let v = start?.time { out.field("start_time", v) }
        if let v = start?.tsNs { out.field("start_ts_ns", v) }
        out.field("start_seen", startSeen)
        if let v = end.time { out.field("end_time", v) }
        if let v = end.tsNs { out.field("end_ts_ns", v) }
        if let v = runtimeFinishedAt { out.field("runtime_finished_at", v) }
        out.field("how", how)
        if let v = exitCode { out.field("exit_code", v) }
        if let v = signal { out.field("signal", v) }
        if let sender { out.field("sender") { Self.encode(sender: sender, &$0) } }
        out.field("cause", cause.rawValue)
        out.field("headline", headline)
        out.field("findings") { Self.encode(findings: findings, &$0) }
        out.field("sigterm_ignored", sigtermIgnored)
        if let v = stopDelayNs { out.field("stop_delay_ns", v) }
        out.field("oom_kills") { Self.encode(oomKills: oomKills, &$0) }
        out.field("zombies_never_reaped") { Self.encode(processes: neverReaped, &$0) }
        out.field("processes_seen", processesSeen)
    }

    // The shapes below are also what the database keeps in its list columns.

    static func encode(execChain: [[String]], _ out: inout JSONBuffer) {
        list(execChain, &out) { argv, out in
            out.appendRaw("[")
            for (i, arg) in argv.enumerated() {
                if i > 0 { out.appendRaw(",") }
                out.appendString(arg.utf8)
            }
            out.appendRaw("]")
        }
    }

    static func encode(sender s: Sender, _ out: inout JSONBuffer) {
        out.beginObject()
        if let v = s.hostPID { out.field("host_pid", v) }
        if let v = s.comm { out.field("comm", v) }
        if let v = s.container { out.field("container", v) }
        if let v = s.origin { out.field("origin", v) }
        out.endObject()
    }

    static func encode(findings: [TraceReport.Finding], _ out: inout JSONBuffer) {
        objects(findings, &out) { f, out in
            out.field("kind", f.kind)
            out.field("text", f.text)
            if let v = f.fix { out.field("fix", v) }
        }
    }

    static func encode(oomKills: [OOMKill], _ out: inout JSONBuffer) {
        objects(oomKills, &out) { k, out in
            out.field("host_pid", k.hostPID)
            if let v = k.nsPID { out.field("ns_pid", v) }
            if let v = k.comm { out.field("comm", v) }
            out.field("is_init", k.isInit)
            if let v = k.time { out.field("time", v) }
        }
    }

    static func encode(processes: [TraceReport.ProcessRef], _ out: inout JSONBuffer) {
        objects(processes, &out) { p, out in
            out.field("host_pid", p.hostPID)
            if let v = p.nsPID { out.field("ns_pid", v) }
            if let v = p.comm { out.field("comm", v) }
        }
    }

    /// `[a,b,…]`, each element written by `body`.
    private static func list<T>(_ items: [T], _ out: inout JSONBuffer, _ body: (T, inout JSONBuffer) -> Void) {
        out.appendRaw("[")
        for (i, item) in items.enumerated() {
            if i > 0 { out.appendRaw(",") }
            body(item, &out)
        }
        out.appendRaw("]")
    }

    /// `[{…},{…}]`, each object's fields written by `body`.
    private static func objects<T>(_ items: [T], _ out: inout JSONBuffer, _ body: (T, inout JSONBuffer) -> Void) {
        list(items, &out) { item, out in
            out.beginObject()
            body(item, &out)
            out.endObject()
        }
    }
}
