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
    /// neither stopped nor restarted on request: a deliberate `docker stop`, `docker start`
    /// or `docker restart` keeps its own story. Runs that end by themselves and are started
    /// again on request (a job run by a script) are alike, and told as such (`kind`).
    static func alike(_ a: TraceReport.Generation, _ b: TraceReport.Generation) -> Bool {
        a.ending != nil && a.lifetimeNs != nil && b.lifetimeNs != nil && a.ending == b.ending
            && a.execChain.map(\.argv) == b.execChain.map(\.argv)
            && !a.stoppedOnRequest && !b.stoppedOnRequest && b.startedBy != .restartRequest
    }

    /// "a crash loop" only where nothing says a request, not the restart policy, started a
    /// run again; "a restart loop" when each run ended well.
    static func kind(_ run: [TraceReport.Generation]) -> String {
        if run.dropFirst().contains(where: { $0.startedBy == .startRequest }) {
            return "one run after another, each started by a request to the runtime "
                + "(\(RuntimeAdvice(run[0].container).startRequests))"
        }
        return run[0].ending == .exited(code: 0) ? "a restart loop" : "a crash loop"
    }

    /// " after ~4 ms (3 ms–6 ms)".
    static func lifetimeText(_ lifetimes: [Int]) -> String {
        guard let low = lifetimes.min(), let high = lifetimes.max() else { return "" }
        let median = lifetimes.sorted()[lifetimes.count / 2]
        return " after ~" + ReportFormat.duration(median)
            + (low == high ? "" : " (\(ReportFormat.duration(low))–\(ReportFormat.duration(high)))")
    }
}
