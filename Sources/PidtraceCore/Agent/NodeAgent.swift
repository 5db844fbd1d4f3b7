/// `pidtrace agent`: the trace of every container on the host (the session `trace`
/// runs, following `FollowPolicy.allContainers`), with the agent's observer: each ended
/// generation goes into the history, its numbers continue from it, and runs that ended
/// while no agent ran are entered as not observed.
public final class NodeAgent {
    public struct Options: Sendable {
        public var trace = TraceOptions()
        public var stateDirectory = HistoryStore.defaultDirectory
        public var retain: Duration = .seconds(7 * 86400)
        public var maxStateBytes = 256 << 20
        public var metricsAddress = MetricsAddress.default

        public init() {}
    }

    private let session: TraceSession

    public init(options: Options, proc: ProcReader = ProcReader()) throws(AgentError) {
        var trace = options.trace
        trace.followAllContainers = true
        // Privilege first: without it the state directory may not be writable either.
        do { try TraceSession.checkHost(proc: proc) } catch { throw .trace(error) }
        // Containers running at the start are followed from their init's PID namespace
        // (/proc/PID/ns/pid), which another's process shows only with CAP_SYS_PTRACE:
        // without it they were left out silently (only later ones followed), so an agent
        // restarted on a busy node saw nothing of what ran. The capability, not a probe:
        // whether a container runs at the start must not decide whether the agent starts.
        if let caps = Capabilities(proc: proc), !caps.has(Capabilities.sysPtrace) { throw .namespacesUnreadable }
        let store: HistoryStore, numbers: HistoryStore
        do {
            store = try HistoryStore.open(directory: options.stateDirectory)
            numbers = try HistoryStore.openReadOnly(directory: options.stateDirectory)
        } catch { throw .history(error) }
        let bootID = HostIdentity.current().bootID
        let missed = MissedEnds(stateDirectory: options.stateDirectory)
        if let since = missed.lastAliveUnixNs() {
            Self.enterMissedEnds(missed, since: since, store: store, bootID: bootID, dockerHosts: trace.dockerHosts, proc: proc)
        }
        missed.beat()
        let metrics = AgentMetrics()
        metrics.restore(Self.ends(in: numbers))
        var server: MetricsServer?
        if case let .listen(host, port) = options.metricsAddress {
            do { server = try MetricsServer(host: host, port: port, metrics: metrics) } catch { throw .metrics(error) }
        }
        let writer = HistoryWriter(store: store, retain: options.retain, maxBytes: options.maxStateBytes)
        let history = AgentRecorder(writer: writer, numbers: numbers, bootID: bootID, clock: BootClock(), heartbeat: missed)
        do {
            session = try TraceSession(options: trace, observers: [history, MetricsRecorder(metrics: metrics, server: server)],
                                       proc: proc)
        } catch {
            server?.stop()
            writer.finish()
            throw .trace(error)
        }
    }

    /// The ends the history holds, so that an agent restart is not a counter reset.
    private static func ends(in store: HistoryStore) -> [GenerationEnd] {
        let entries: [HistoryEntry]
        do { entries = try store.entries() } catch {
            Log.logger.warning("the metrics start from zero: the history could not be read: \(error)")
            return []
        }
        return entries.map { e in
            GenerationEnd(labels: ContainerLabels(container: e.containerName ?? String(e.containerID.prefix(12)), pod: e.pod ?? "",
                                                  namespace: e.namespace ?? "", runtime: e.runtime ?? ""),
                          outcome: TraceReport.Outcome(how: e.how, exitCode: e.exitCode, cause: e.cause, headline: e.headline,
                                                       sigtermIgnored: e.sigtermIgnored, stopDelayNs: e.stopDelayNs),
                          oomVictimsWerePID1: e.oomKills.map(\.isInit))
        }
    }

    /// Runs until SIGINT/SIGTERM; everything ended by then is committed.
    public func run() throws(AgentError) -> StopInfo {
        do { return try session.run() } catch { throw .trace(error) }
    }

    private static func enterMissedEnds(_ missed: MissedEnds, since: Int, store: HistoryStore, bootID: String,
                                        dockerHosts: [String], proc: ProcReader) {
        let apis = (try? AnsweringRuntimes(hosts: dockerHosts, proc: proc))?.apis ?? []
        for entry in apis.flatMap({ missed.entries(api: $0, store: store, sinceUnixNs: since, bootID: bootID) }) {
            do {
                if try store.commit(entry) {
                    Log.logger.info("a generation ended while no agent ran", metadata: [
                        "container": "\(entry.containerName ?? entry.containerID)", "generation": "\(entry.generation)"])
                }
            } catch {
                Log.logger.error("history entry not written: \(error)")
            }
        }
    }
}

/// Why the agent could not start or went on: the trace's errors, or the history's.
public enum AgentError: Error, CustomStringConvertible {
    case trace(TraceError)
    case history(HistoryError)
    case metrics(MetricsServerError)
    /// No CAP_SYS_PTRACE: other processes' PID namespaces cannot be read.
    case namespacesUnreadable

    public var description: String {
        switch self {
        case .namespacesUnreadable:
            "the agent needs CAP_SYS_PTRACE to read the PID namespace of each container's init (/proc/PID/ns/pid)"
        case let .trace(e): e.description
        case let .history(e): e.description
        case let .metrics(e): e.description
        }
    }

    public var exitStatus: CommandExit {
        switch self {
        case .namespacesUnreadable: .noPermission
        case let .trace(e): e.exitStatus
        case let .history(e): e.exitStatus
        case let .metrics(e): e.exitStatus
        }
    }
}
