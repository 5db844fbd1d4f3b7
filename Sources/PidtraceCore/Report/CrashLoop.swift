/// A crash loop: a container restarted again and again, each generation running
/// the same commands and ending the same way. The summary shows such a run once.
enum CrashLoop {
    /// Fewer generations alike are shown one by one.
    static let minimumRun = 3

    /// Consecutive generations split into runs of alike ones (a run of one is a
    /// generation on its own).
    static func runs(_ generations: [TraceReport.Generation]) -> [[TraceReport.Generation]] {
        var runs: [[TraceReport.Generation]] = []
        for g in generations {
            if let previous = runs.last?.last, alike(previous, g) {
                runs[runs.count - 1].append(g)
            } else {
                runs.append([g])
            }
        }
        return runs
    }

    /// Both seen from their start to their end, with the same exec chain and ending, and
    /// the second not started on request: a deliberate `docker start` or `docker restart`
    /// keeps its own story (unknown is taken as a restart, as in recordings without it).
    static func alike(_ a: TraceReport.Generation, _ b: TraceReport.Generation) -> Bool {
        a.ending != nil && a.lifetimeNs != nil && b.lifetimeNs != nil && a.ending == b.ending
            && a.execChain.map(\.argv) == b.execChain.map(\.argv)
            && b.startedBy != .startRequest && b.startedBy != .restartRequest
    }

    /// " after ~4 ms (3 ms–6 ms)".
    static func lifetimeText(_ lifetimes: [Int]) -> String {
        guard let low = lifetimes.min(), let high = lifetimes.max() else { return "" }
        let median = lifetimes.sorted()[lifetimes.count / 2]
        return " after ~" + ReportFormat.duration(median)
            + (low == high ? "" : " (\(ReportFormat.duration(low))–\(ReportFormat.duration(high)))")
    }
}
