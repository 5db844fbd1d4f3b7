import Glibc

/// Generations that ended while no agent ran: the agent marks the state directory as
/// alive every few seconds (`heartbeat`'s mtime); at start, each container whose last
/// run the runtime says finished after that mark gets a history entry marked not
/// observed, with the runtime's exit code and finish time. The runtime keeps only a
/// container's last run: a crash loop that went on meanwhile gets one such entry.
/// Docker and Podman only (a CRI runtime's state on disk is gone with the container's
/// end); a container removed meanwhile is not known to anyone.
struct MissedEnds {
    let heartbeatPath: String

    init(stateDirectory: String) { heartbeatPath = stateDirectory + "/heartbeat" }

    /// How often the agent marks the directory alive.
    static let beatNs: UInt64 = 5_000_000_000
    /// An observed end this close before the runtime's finish time is that finish (the
    /// runtime stamps it a few ms after the kernel's exit).
    static let sameEndNs = 1_000_000_000

    /// The mark's time (Unix ns); nil when no agent ran here before.
    func lastAliveUnixNs() -> Int? {
        var st = stat()
        guard stat(heartbeatPath, &st) == 0 else { return nil }
        return st.st_mtim.tv_sec * 1_000_000_000 + st.st_mtim.tv_nsec
    }

    /// Marks the directory alive now (creates the file the first time).
    func beat() {
        let fd = open(heartbeatPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return Log.logger.warning("cannot mark \(heartbeatPath): errno \(errno)") }
        futimens(fd, nil)
        close(fd)
    }

    /// Entries for the runs that ended after `sinceUnixNs`, numbered after the history's.
    func entries(api: DockerAPIResolver, store: HistoryStore, sinceUnixNs: Int, bootID: String) -> [HistoryEntry] {
        let containers: [DockerContainerSummary]
        do { containers = try api.api.containers(all: true) } catch {
            Log.logger.warning("cannot ask the runtime which containers ended while no agent ran: \(error)")
            return []
        }
        var found: [HistoryEntry] = []
        for summary in containers {
            guard let detail = try? api.api.inspect(summary.id), let finished = detail.state.finishedAt,
                  let finishedNs = HistoryEntry.unixNs(finished), finishedNs > sinceUnixNs else { continue }
            let latest = (try? store.entries(matching: HistoryFilter(container: detail.id)))?.last
            let running = detail.state.running || detail.state.restarting == true
            guard let missed = runsMissed(latest: latest, store: store, restartCount: detail.restartCount,
                                          running: running, finishedNs: finishedNs) else { continue }
            found.append(.notObserved(containerID: detail.id, name: DockerName.bare(detail.name), runtime: api.runtime,
                                      pod: nil, generation: (latest?.generation ?? 0) + missed, runsMissed: missed,
                                      bootID: bootID, exitCode: detail.state.exitCode, finishedAt: finished))
        }
        return found
    }

    /// How many runs ended while no agent ran; nil for none. Counted by the restart
    /// policy's count since the last run the history saw start (a restart policy's runs
    /// follow each other quickly; the runtime tells only the last one's end); else one,
    /// unless the history's last end is the runtime's (seen just before a `kill -9`).
    private func runsMissed(latest: HistoryEntry?, store: HistoryStore, restartCount: Int?, running: Bool,
                            finishedNs: Int) -> Int? {
        guard let latest, latest.observed else { return 1 }
        let records = (try? store.records(of: latest)) ?? []
        let seen = TraceReport.read(lines: records).generations.first?.runtimeEvents.last { $0.action == "start" }?.restartCount
        if let seen, let now = restartCount, now >= seen {
            let missed = now - seen - (running ? 1 : 0)
            return missed > 0 ? missed : nil
        }
        // A `docker start` set the count back to 0: by time only.
        return latest.endUnixNs > finishedNs - Self.sameEndNs ? nil : 1
    }
}
