/// An entry as a row of the `entries` table and back. The columns are named once, here,
/// in the order of both the insert's values and the selects' columns (after `id`).
enum HistoryRows {
    static let columns = [
        "boot_id", "container_id", "pidns", "init_host_pid", "runtime_finished_at", "container_name", "runtime", "pod",
        "namespace", "pod_uid", "generation", "init_ns_pid", "exec_chain", "start_time", "start_ts_ns", "start_seen",
        "end_time", "end_ts_ns", "end_unix_ns", "how", "exit_code", "signal", "sender", "cause", "headline", "findings",
        "sigterm_ignored", "stop_delay_ns", "oom_kills", "never_reaped", "processes_seen", "observed", "init_start_ns",
    ]

    /// Adds the entry unless one with its identity is there (then changes no row).
    static let insert = "INSERT INTO entries (\(columns.joined(separator: ", "))) VALUES ("
        + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ") ON CONFLICT DO NOTHING"

    /// Columns a migration added after version 1: the version that added each, and
    /// what a database older than that reads as in its place.
    static let added: [String: (version: Int, absent: String)] = ["init_start_ns": (2, "0")]

    /// `SELECT <this> FROM entries …` gives the rows `entry(_:)` reads, from a database
    /// of `schemaVersion` (a reader opens older ones as they are).
    static func selected(schemaVersion: Int) -> String {
        "id, " + columns.map { column in
            guard let added = added[column], schemaVersion < added.version else { return column }
            return "\(added.absent) AS \(column)"
        }.joined(separator: ", ")
    }

    static func values(_ e: HistoryEntry) -> [SQLiteValue] {
        [.text(e.bootID), .text(e.containerID), .int(e.pidns), .int(e.initHostPID), .text(e.runtimeFinishedAt ?? ""),
         .string(e.containerName), .string(e.runtime), .string(e.pod), .string(e.namespace), .string(e.podUID),
         .int(e.generation), .int(e.initNSPID), .text(json { HistoryEntry.encode(execChain: e.execChain, &$0) }),
         .string(e.start?.time), .int(e.start?.tsNs), .int(e.startSeen ? 1 : 0), .string(e.end.time), .int(e.end.tsNs),
         .int(e.endUnixNs), .text(e.how), .int(e.exitCode), .int(e.signal),
         e.sender.map { s in .text(json { HistoryEntry.encode(sender: s, &$0) }) } ?? .null,
         .text(e.cause.rawValue), .text(e.headline), .text(json { HistoryEntry.encode(findings: e.findings, &$0) }),
         .int(e.sigtermIgnored ? 1 : 0), .int(e.stopDelayNs), .text(json { HistoryEntry.encode(oomKills: e.oomKills, &$0) }),
         .text(json { HistoryEntry.encode(processes: e.neverReaped, &$0) }), .int(e.processesSeen), .int(e.observed ? 1 : 0),
         .int(e.initStartNs)]
    }

    /// The entry in the current row of a select of `selected`; its records are not read.
    static func entry(_ row: SQLiteStatement) throws(HistoryError) -> HistoryEntry {
        var c = Cursor(row: row)
        let id = Int64(c.int() ?? 0)
        let bootID = c.text() ?? "", containerID = c.text() ?? "", pidns = c.int() ?? 0, initHostPID = c.int() ?? 0
        let finishedAt = c.text().flatMap { $0.isEmpty ? nil : $0 }
        let name = c.text(), runtime = c.text(), pod = c.text(), namespace = c.text(), podUID = c.text()
        let generation = c.int() ?? 0, initNSPID = c.int()
        let execChain = try c.json("exec_chain", execChain)
        let start = TraceReport.Stamp(time: c.text(), tsNs: c.int())
        let startSeen = c.int() == 1
        let end = TraceReport.Stamp(time: c.text(), tsNs: c.int())
        let endUnixNs = c.int() ?? 0, how = c.text() ?? "", exitCode = c.int(), signal = c.int()
        let sender = try c.optionalJSON("sender") { s in
            HistoryEntry.Sender(hostPID: s["host_pid"]?.int, comm: s["comm"]?.string, container: s["container"]?.string,
                                origin: s["origin"]?.string)
        }
        let causeText = c.text() ?? ""
        guard let cause = TraceReport.Cause(rawValue: causeText) else { throw HistoryError.unreadable("a cause '\(causeText)'") }
        let headline = c.text() ?? ""
        let findings = try c.json("findings", findings)
        let sigtermIgnored = c.int() == 1, stopDelayNs = c.int()
        let oomKills = try c.json("oom_kills") { ($0.array ?? []).compactMap { k in
            k["host_pid"]?.int.map { HistoryEntry.OOMKill(hostPID: $0, nsPID: k["ns_pid"]?.int, comm: k["comm"]?.string,
                                                          isInit: k["is_init"]?.bool ?? false, time: k["time"]?.string) }
        } }
        let neverReaped = try c.json("never_reaped") { ($0.array ?? []).compactMap { p in
            p["host_pid"]?.int.map { TraceReport.ProcessRef(hostPID: $0, nsPID: p["ns_pid"]?.int, comm: p["comm"]?.string) }
        } }
        let processesSeen = c.int() ?? 0, observed = c.int() == 1, initStartNs = c.int() ?? 0
        return HistoryEntry(
            bootID: bootID, containerID: containerID, containerName: name, runtime: runtime, pod: pod, namespace: namespace,
            podUID: podUID, generation: generation, initHostPID: initHostPID, pidns: pidns, initStartNs: initStartNs,
            initNSPID: initNSPID,
            execChain: execChain, start: start.time == nil && start.tsNs == nil ? nil : start, end: end, startSeen: startSeen,
            endUnixNs: endUnixNs, how: how, exitCode: exitCode, signal: signal, sender: sender, cause: cause,
            headline: headline, findings: findings, sigtermIgnored: sigtermIgnored, stopDelayNs: stopDelayNs,
            oomKills: oomKills, neverReaped: neverReaped, processesSeen: processesSeen, observed: observed,
            runtimeFinishedAt: finishedAt, records: [], storeID: id)
    }

    private static func json(_ body: (inout JSONBuffer) -> Void) -> String {
        var out = JSONBuffer(capacity: 256)
        body(&out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func execChain(_ value: JSONValue) throws(HistoryError) -> [[String]] {
        var chain: [[String]] = []
        for argv in value.array ?? [] {
            guard let strings = argv.strings else { throw .unreadable("an exec_chain that is not lists of strings") }
            chain.append(strings)
        }
        return chain
    }

    private static func findings(_ value: JSONValue) throws(HistoryError) -> [TraceReport.Finding] {
        var findings: [TraceReport.Finding] = []
        for f in value.array ?? [] {
            guard let kind = f["kind"]?.string, let text = f["text"]?.string else { throw .unreadable("a finding without kind or text") }
            findings.append(TraceReport.Finding(kind: kind, text: text, fix: f["fix"]?.string))
        }
        return findings
    }

    /// Reads a row's columns in order.
    private struct Cursor {
        let row: SQLiteStatement
        var column: Int32 = 0

        mutating func int() -> Int? {
            defer { column += 1 }
            return row.int(column)
        }

        mutating func text() -> String? {
            defer { column += 1 }
            return row.text(column)
        }

        /// A JSON column, parsed and read by `read`.
        mutating func json<T>(_ name: String, _ read: (JSONValue) throws(HistoryError) -> T) throws(HistoryError) -> T {
            guard let value = try optionalJSON(name, read) else { throw HistoryError.unreadable("no \(name)") }
            return value
        }

        mutating func optionalJSON<T>(_ name: String, _ read: (JSONValue) throws(HistoryError) -> T) throws(HistoryError) -> T? {
            guard let text = self.text() else { return nil }
            let value: JSONValue
            do {
                value = try JSONParser.parse(Array(text.utf8))
            } catch {
                throw HistoryError.unreadable("a \(name) that is not JSON (\(error))")
            }
            return try read(value)
        }
    }
}
