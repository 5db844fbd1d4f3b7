import Glibc
@testable import PidtraceCore

/// A recorded NDJSON line made back into the typed `TraceRecord` a live trace had,
/// so the live story can be fed what the fixture recorded. Only for recordings of
/// this pidtrace's contract; it fails loudly on anything it cannot rebuild.
enum TypedRecords {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// The records of a fixture and the clock that gives back its lines' times.
    static func of(fixture name: String) throws -> (records: [TraceRecord], clock: BootClock) {
        var records: [TraceRecord] = []
        var clock: BootClock?
        for line in try ReportFixture.lines(name) where !line.isEmpty {
            let json = try JSONParser.parse(line)
            if clock == nil, let time = json["time"]?.string, let ts = json["ts_ns"]?.int {
                clock = BootClock(offsetNs: try wallNs(time) - Int64(ts))
            }
            if let record = try record(json) { records.append(record) }
        }
        guard let clock else { throw Unreadable(description: "\(name): no timed record") }
        return (records, clock)
    }

    static func record(_ j: JSONValue) throws -> TraceRecord? {
        let event = try need(j["event"]?.string, "event")
        let ts = UInt64(try need(j["ts_ns"]?.int, "ts_ns"))
        switch event {
        case "start":
            return .start(StartInfo(tsNs: ts, version: j["version"]?.string ?? "", hostname: j["hostname"]?.string ?? "",
                                    kernel: "", bootID: "", tracerPID: 0, filters: TraceFilters()))
        case "stop":
            return .stop(StopInfo(tsNs: ts, events: 0, lost: UInt64(j["lost"]?.int ?? 0), reason: j["reason"]?.string ?? ""))
        case "lost":
            return .lost(LostInfo(tsNs: ts, count: UInt64(j["count"]?.int ?? 0)))
        case "container_start", "container_exit":
            var c = ContainerLifecycle(tsNs: ts, container: try container(j)!, initHostPID: UInt32(try need(j["host_pid"]?.int, "host_pid")),
                                       pidns: UInt32(j["pidns"]?.int ?? 0), initNSPID: UInt32(j["ns_pid"]?.int ?? 1))
            c.startedAt = j["started_at"]?.string
            if event == "container_start" { return .containerStart(c) }
            c.exit = exitStatus(j)
            return .containerExit(c)
        case "snapshot":
            let entry = ProcessEntry(hostPID: Int32(try need(j["host_pid"]?.int, "host_pid")),
                                     hostPPID: Int32(j["host_ppid"]?.int ?? 0), nsPID: UInt32(j["ns_pid"]?.int ?? 0),
                                     nsPPID: UInt32(j["ns_ppid"]?.int ?? 0), nsPIDs: [], pidns: UInt32(j["pidns"]?.int ?? 0),
                                     comm: j["comm"]?.string ?? "", argv: (j["argv"]?.strings ?? []).map { Array($0.utf8) })
            return .snapshot(SnapshotRecord(tsNs: ts, process: entry, mntns: 0, container: try container(j),
                                            observed: j["observed"]?.string == "claim" ? .claim : .traceStart))
        case "fork", "exec", "exit", "signal", "oom_kill", "exec_failed":
            return .process(try process(j, ts: ts))
        case "reap":
            let r = try need(j["reaper"], "reaper")
            let reaper = Peer(hostPID: UInt32(try need(r["host_pid"]?.int, "reaper.host_pid")), hostTID: 0, nsPID: 0,
                              pidns: 0, comm: Comm((r["comm"]?.string ?? "").utf8))
            return .reap(ReapRecord(tsNs: ts, exit: try process(j, ts: ts, as: .exit), reaper: reaper,
                                    reaperNSPID: r["ns_pid"]?.int.map(UInt32.init), zombieNs: UInt64(j["zombie_ns"]?.int ?? 0),
                                    reparentedToNamespaceInit: j["reparented_to_ns_init"]?.bool ?? false))
        case "zombie":
            return .zombie(ZombieRecord(tsNs: ts, exit: try process(j, ts: ts, as: .exit), zombieNs: UInt64(j["zombie_ns"]?.int ?? 0)))
        case "notice":
            return nil
        case "runtime_event":
            return .runtimeEvent(RuntimeEventRecord(
                tsNs: ts, container: try container(j)!, action: try need(j["action"]?.string, "action"),
                runtimeTimeNs: try j["runtime_time"]?.string.map(wallNs),
                restartCount: j["restart_count"]?.int, signal: j["signal"]?.int.map(Int32.init), exitCode: j["exit_code"]?.int,
                error: j["error"]?.string))
        default:
            throw Unreadable(description: "no typed record for event \(event)")
        }
    }

    private static func process(_ j: JSONValue, ts: UInt64, as forced: EventKind? = nil) throws -> ProcessRecord {
        let kind = try forced ?? need(EventKind(name: j["event"]?.string ?? ""), "kind")
        let nsPIDs: [UInt32] = [UInt32(try need(j["host_pid"]?.int, "host_pid")), UInt32(j["ns_pid"]?.int ?? 0)]
        var flags: UInt32 = 0
        if j["thread"]?.bool == true { flags |= 1 }
        if j["new_pidns"]?.bool == true { flags |= 2 }
        let argv = (j["argv"]?.strings ?? []).map { Array($0.utf8) }
        let filename = Array((j["filename"]?.string ?? "").utf8)
        var e = ProcessEvent(kind: kind, flags: flags, tsNs: ts, startNs: ts - UInt64(j["age_ns"]?.int ?? 0),
                             cgroupID: UInt64(j["cgroup_id"]?.int ?? 0), hostPID: nsPIDs[0],
                             hostTID: UInt32(j["host_tid"]?.int ?? 0), hostPPID: UInt32(j["host_ppid"]?.int ?? 0),
                             nsTID: UInt32(j["ns_tid"]?.int ?? 0), nsPPID: UInt32(j["ns_ppid"]?.int ?? 0),
                             nsLevel: UInt32(j["ns_level"]?.int ?? 0), pidns: UInt32(j["pidns"]?.int ?? 0),
                             mntns: 0, uid: 0, gid: 0, exitStatus: exitStatus(j)?.waitStatus ?? 0,
                             comm: Comm((j["comm"]?.string ?? "").utf8), nsPIDs: PIDChain(nsPIDs),
                             image: ExecImage(filename: filename, argsArea: []))
        if kind == .execFailed {
            e.execFailure = ExecFailure(errno: Int32(j["errno"]?.int ?? 0), execveat: j["syscall"]?.string == "execveat")
        }
        if kind == .signal {
            let results = ["delivered", "ignored", "already_pending", "overflow_fail", "lose_info"]
            let origin: SignalOrigin = switch j["origin"]?.string {
            case "kernel": .kernel
            case "pidns_teardown": .pidnsTeardown
            default: .process
            }
            e.signal = SignalInfo(number: Int32(j["signal"]?.int ?? 0), code: Int32(j["si_code"]?.int ?? 0),
                                  result: UInt32(results.firstIndex(of: j["result"]?.string ?? "") ?? 9),
                                  group: j["group"]?.bool ?? false, origin: origin)
            if let s = j["sender"], let pid = s["host_pid"]?.int {
                e.peer = Peer(hostPID: UInt32(pid), hostTID: UInt32(s["host_tid"]?.int ?? pid), nsPID: UInt32(s["ns_pid"]?.int ?? 0),
                              pidns: UInt32(s["pidns"]?.int ?? 0), comm: Comm((s["comm"]?.string ?? "").utf8))
            }
        }
        if kind == .oomKill { e.memcgID = j["memcg_id"]?.int.map(UInt64.init) }
        // A sender's labels name its container; its generation is not read.
        let senderContainer = j["sender"]?["container_id"]?.string.map {
            ContainerAttribution(id: $0, name: j["sender"]?["container_name"]?.string ?? $0, generation: 0)
        }
        let recordedArgv = Argv(args: argv, truncated: j["argv_truncated"]?.bool ?? false)
        return ProcessRecord(event: e, argv: kind == .exec || kind == .execFailed ? recordedArgv : nil,
                             container: try container(j), senderContainer: senderContainer)
    }

    private static func container(_ j: JSONValue) throws -> ContainerAttribution? {
        guard let id = j["container_id"]?.string else { return nil }
        let pod = j["pod"]?.string.map {
            PodMeta(name: $0, namespace: j["namespace"]?.string ?? "", uid: j["pod_uid"]?.string ?? "",
                    isSandbox: j["pod_sandbox"]?.bool ?? false)
        }
        return ContainerAttribution(id: id, name: j["container_name"]?.string ?? "",
                                    generation: try need(j["container_generation"]?.int, "container_generation"),
                                    pod: pod, runtime: j["runtime"]?.string)
    }

    private static func exitStatus(_ j: JSONValue) -> ExitStatus? {
        if let code = j["exit_code"]?.int { return ExitStatus(waitStatus: UInt32(code) << 8) }
        guard let signal = j["signal"]?.int else { return nil }
        return ExitStatus(waitStatus: UInt32(signal) | (j["core_dumped"]?.bool == true ? 0x80 : 0))
    }

    private static func need<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw Unreadable(description: "missing \(what)") }
        return value
    }

    /// "2026-11-30T13:46:11.257655417Z" as ns since the epoch, exactly.
    static func wallNs(_ text: String) throws -> Int64 {
        let digits = text.split { !$0.isNumber }.map { Int64($0) }
        guard digits.count == 7, case let f = digits.compactMap({ $0 }), f.count == 7 else {
            throw Unreadable(description: "time \(text)")
        }
        var t = tm()
        t.tm_year = Int32(f[0] - 1900)
        t.tm_mon = Int32(f[1] - 1)
        t.tm_mday = Int32(f[2])
        t.tm_hour = Int32(f[3])
        t.tm_min = Int32(f[4])
        t.tm_sec = Int32(f[5])
        return Int64(timegm(&t)) * 1_000_000_000 + f[6]
    }
}
