extension TraceReport {
    /// `pidtrace summary --json`: the same facts as the text, as one JSON document.
    /// Absent facts are left out, as in the NDJSON contract.
    public func summaryJSON() -> [UInt8] {
        var out = JSONBuffer()
        out.beginObject()
        out.beginObject("recording")
        out.field("complete", stream.complete)
        if let reason = stream.stopReason { out.field("stop_reason", reason) }
        out.field("records", stream.records)
        out.field("lost", stream.lost)
        if let v = stream.hostname { out.field("hostname", v) }
        if let v = stream.version { out.field("version", v) }
        if let v = stream.startTime { out.field("start_time", v) }
        if let v = stream.stopTime { out.field("stop_time", v) }
        out.field("malformed_lines", integers: malformedLines)
        Self.array("diagnostics", diagnostics, &out) { d, out in
            out.field("line", d.line)
            out.field("message", d.message)
        }
        out.endObject()
        Self.array("containers", containers, &out) { c, out in
            out.field("container_id", c.id)
            if let name = c.name { out.field("container_name", name) }
            out.field("generations", c.generations)
            out.field("restarts", c.restarts)
        }
        Self.array("generations", generations, &out) { g, out in Self.encode(g, &out) }
        out.endObject()
        out.endLine()
        return out.bytes
    }

    private static func encode(_ g: Generation, _ out: inout JSONBuffer) {
        if let c = g.container {
            out.field("container_id", c.id)
            if let name = c.name { out.field("container_name", name) }
            out.field("container_generation", c.generation)
        }
        if let v = g.pidns { out.field("pidns", v) }
        if let v = g.initHostPID { out.field("init_host_pid", v) }
        if let v = g.initNSPID { out.field("init_ns_pid", v) }
        array("exec_chain", g.execChain, &out) { step, out in
            out.field("argv", strings: step.argv.map { Array($0.utf8) })
            if let time = step.stamp.time { out.field("time", time) }
            if step.runningAtStart { out.field("running_at_start", true) }
        }
        if let v = g.start?.time { out.field("start_time", v) }
        if let v = g.end?.time { out.field("end_time", v) }
        if let v = g.lifetimeNs { out.field("lifetime_ns", v) }
        if let cause = g.startedBy {
            out.field("started_by", cause.name)
            if case let .restartPolicy(count) = cause { out.field("restart_count", count) }
        }
        if let ending = g.ending {
            out.beginObject("ended")
            encode(ending, &out)
            out.endObject()
        }
        array("signals_to_init", g.signalsToInit, &out) { s, out in
            out.field("signal", s.number)
            out.field("signal_name", s.name)
            if let v = s.result { out.field("result", v) }
            if let v = s.origin { out.field("origin", v) }
            if let v = s.stamp.time { out.field("time", v) }
            if let sender = s.sender { encode(sender, &out) }
        }
        array("other_signals_to_init", g.otherSignalsToInit.sorted { $0.key < $1.key }, &out) { s, out in
            out.field("signal_name", s.key)
            out.field("count", s.value)
        }
        array("findings", g.findings, &out) { f, out in
            out.field("kind", f.kind)
            out.field("text", f.text)
            if let fix = f.fix { out.field("fix", fix) }
        }
        array("oom_kills", g.oomKills, &out) { k, out in
            encode(k.process, &out)
            if let v = k.memcgID { out.field("memcg_id", v) }
            if let v = k.stamp.time { out.field("time", v) }
        }
        out.field("processes_seen", g.processesSeen)
        array("zombies_never_reaped", g.neverReaped, &out) { z, out in encode(z, &out) }
        array("reaped_late", g.reapedLate, &out) { z, out in encode(z, &out) }
    }

    private static func encode(_ ending: Ending, _ out: inout JSONBuffer) {
        switch ending {
        case let .exited(code):
            out.field("how", "exit")
            out.field("exit_code", code)
        case let .killed(number, name, core, sender):
            out.field("how", "signal")
            out.field("signal", number)
            out.field("signal_name", name)
            out.field("core_dumped", core)
            if let sender { encode(sender, &out) }
        case let .oomKilled(memcg):
            out.field("how", "oom_kill")
            if let memcg { out.field("memcg_id", memcg) }
        }
    }

    private static func encode(_ s: Signal.Sender, _ out: inout JSONBuffer) {
        out.beginObject("sender")
        if let v = s.hostPID { out.field("host_pid", v) }
        if let v = s.nsPID { out.field("ns_pid", v) }
        if let v = s.comm { out.field("comm", v) }
        if let v = s.containerName { out.field("container", v) }
        out.endObject()
    }

    private static func encode(_ p: ProcessRef, _ out: inout JSONBuffer) {
        out.field("host_pid", p.hostPID)
        if let v = p.nsPID { out.field("ns_pid", v) }
        if let v = p.comm { out.field("comm", v) }
    }

    private static func encode(_ z: Zombie, _ out: inout JSONBuffer) {
        encode(z.process, &out)
        if let v = z.zombieNs { out.field("zombie_ns", v) }
        if let r = z.reaper {
            out.beginObject("reaper")
            encode(r, &out)
            out.endObject()
        }
        if z.reparentedToNsInit { out.field("reparented_to_ns_init", true) }
    }

    /// `"name": [ {...}, ... ]`, one object per element.
    private static func array<T>(_ name: StaticString, _ items: [T], _ out: inout JSONBuffer,
                                 _ body: (T, inout JSONBuffer) -> Void) {
        out.field(name) { out in
            out.appendRaw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.appendRaw(",") }
                out.beginObject()
                body(item, &out)
                out.endObject()
            }
            out.appendRaw("]")
        }
    }
}
