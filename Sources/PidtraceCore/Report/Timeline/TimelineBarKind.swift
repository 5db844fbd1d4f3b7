extension TimelineHTML {
    /// How a bar is coloured: how PID 1 ended.
    enum BarKind: String, CaseIterable {
        case ok, fail, killed, oom, running, unknown

        init(_ g: TraceReport.Generation, complete: Bool) {
            switch g.ending {
            case .exited(0)?: self = .ok
            case .exited?: self = .fail
            case .killed?: self = .killed
            case .oomKilled?: self = .oom
            case nil: self = complete && g.initHostPID != nil ? .running : .unknown
            }
        }

        var legend: String {
            switch self {
            case .ok: "exit 0"
            case .fail: "exit code ≠ 0"
            case .killed: "killed by a signal"
            case .oom: "OOM killed"
            case .running: "still running at trace stop"
            case .unknown: "no end recorded"
            }
        }
    }
}
