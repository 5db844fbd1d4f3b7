/// The fields of one recorded line that the offline readers use (the record is
/// documented in docs/record.md). Decoding is tolerant: unknown events
/// and unknown fields are ignored, and every field that an earlier contract version
/// lacked is optional. Only a line that cannot be told apart from garbage (no
/// `event`, a process record without `host_pid`) is malformed.
enum ReportRecord {
    case start(TraceReport.Stamp, hostname: String?, version: String?)
    case stop(TraceReport.Stamp, lost: Int?, reason: String?)
    case lost(count: Int)
    case fork(TraceReport.Stamp, RecordedProcess)
    case exec(TraceReport.Stamp, RecordedProcess, argv: [String])
    case exit(TraceReport.Stamp, RecordedProcess, TraceReport.ExitOutcome?)
    /// `atClaim`: read when a new generation was claimed, not running at trace start.
    case snapshot(TraceReport.Stamp, RecordedProcess, argv: [String], atClaim: Bool)
    case containerStart(TraceReport.Stamp, RecordedProcess)
    case containerExit(TraceReport.Stamp, RecordedProcess, TraceReport.ExitOutcome?)
    case signal(RecordedProcess, TraceReport.Signal)
    case oomKill(TraceReport.Stamp, RecordedProcess, memcgID: Int?)
    case reap(RecordedProcess, TraceReport.Zombie)
    case zombie(TraceReport.Stamp, RecordedProcess, zombieNs: Int?)
    case runtimeEvent(RecordedContainer, TraceReport.RuntimeEvent)
    case execFailed(TraceReport.Stamp, RecordedProcess, path: String, argv: [String], errno: Int?, error: String)

    struct Malformed: Error {
        var reason: String
    }

    /// nil for an event this reader does not know (a newer contract): not an error.
    static func decode(_ json: JSONValue) throws(Malformed) -> ReportRecord? {
        guard case .object = json else { throw Malformed(reason: "not a JSON object") }
        guard let event = json["event"]?.string else { throw Malformed(reason: "no \"event\" field") }
        let stamp = TraceReport.Stamp(time: json["time"]?.string, tsNs: json["ts_ns"]?.int)
        switch event {
        case "start":
            return .start(stamp, hostname: json["hostname"]?.string, version: json["version"]?.string)
        case "stop":
            return .stop(stamp, lost: json["lost"]?.int, reason: json["reason"]?.string)
        case "lost":
            return .lost(count: max(0, json["count"]?.int ?? 0))
        case "runtime_event":
            guard let id = json["container_id"]?.string, let action = json["action"]?.string else {
                throw Malformed(reason: "runtime_event without \"container_id\" and \"action\"")
            }
            var event = TraceReport.RuntimeEvent(stamp: stamp, action: action)
            event.restartCount = json["restart_count"]?.int
            event.signal = json["signal"]?.int
            event.exitCode = json["exit_code"]?.int
            event.error = json["error"]?.string
            let container = RecordedContainer(json, id: id)
            return .runtimeEvent(container, event)
        default:
            break
        }
        guard let kind = ProcessKind(rawValue: event) else { return nil }
        guard let process = RecordedProcess(json) else {
            throw Malformed(reason: "\(event) record without an integer \"host_pid\"")
        }
        switch kind {
        case .fork: return .fork(stamp, process)
        case .exec: return .exec(stamp, process, argv: json["argv"]?.strings ?? [])
        case .exit: return .exit(stamp, process, TraceReport.ExitOutcome(json))
        case .snapshot:
            return .snapshot(stamp, process, argv: json["argv"]?.strings ?? [], atClaim: json["observed"]?.string == "claim")
        case .containerStart: return .containerStart(stamp, process)
        case .containerExit: return .containerExit(stamp, process, TraceReport.ExitOutcome(json))
        case .signal: return .signal(process, TraceReport.Signal(json, stamp: stamp))
        case .oomKill: return .oomKill(stamp, process, memcgID: json["memcg_id"]?.int)
        case .reap: return .reap(process, TraceReport.Zombie(json, process: process, stamp: stamp))
        case .zombie: return .zombie(stamp, process, zombieNs: json["zombie_ns"]?.int)
        case .execFailed:
            let errno = json["errno"]?.int
            return .execFailed(stamp, process, path: json["filename"]?.string ?? "", argv: json["argv"]?.strings ?? [],
                               errno: errno, error: json["error"]?.string ?? errno.map { "E\($0)" } ?? "?")
        }
    }

    private enum ProcessKind: String {
        case fork, exec, exit, snapshot, signal, reap, zombie
        case containerStart = "container_start"
        case containerExit = "container_exit"
        case oomKill = "oom_kill"
        case execFailed = "exec_failed"
    }
}

/// The process a record is about (for `container_*`, the container's PID 1).
struct RecordedProcess {
    var hostPID: Int
    var hostPPID: Int?
    var nsPID: Int?
    var pidns: Int?
    var comm: String?
    var isThread: Bool
    var container: RecordedContainer?
    /// An exit's: when the process started (boot-time ns), from its `age_ns`.
    var startNs: Int? = nil

    var ref: TraceReport.ProcessRef { TraceReport.ProcessRef(hostPID: hostPID, nsPID: nsPID, comm: comm) }
}

extension RecordedProcess {
    /// From a file's line (the live path: ReportRecord+Live.swift).
    init?(_ json: JSONValue) {
        guard let hostPID = json["host_pid"]?.int else { return nil }
        self.hostPID = hostPID
        hostPPID = json["host_ppid"]?.int
        nsPID = json["ns_pid"]?.int
        pidns = json["pidns"]?.int
        comm = json["comm"]?.string
        isThread = json["thread"]?.bool ?? false
        container = json["container_id"]?.string.map { RecordedContainer(json, id: $0) }
        if let age = json["age_ns"]?.int, let ts = json["ts_ns"]?.int { startNs = ts - age }
    }
}

struct RecordedContainer {
    var id: String
    var name: String?
    var generation: Int?
    var runtime: String?
    var pod: PodMeta?

    /// A record's container labels.
    init(_ json: JSONValue, id: String) {
        self.id = id
        name = json["container_name"]?.string
        generation = json["container_generation"]?.int
        runtime = json["runtime"]?.string
        pod = json["pod"]?.string.map {
            PodMeta(name: $0, namespace: json["namespace"]?.string ?? "", uid: json["pod_uid"]?.string ?? "",
                    isSandbox: json["pod_sandbox"]?.bool ?? false)
        }
    }

    init(id: String, name: String?, generation: Int?, runtime: String?, pod: PodMeta?) {
        self.id = id
        self.name = name
        self.generation = generation
        self.runtime = runtime
        self.pod = pod
    }
}
