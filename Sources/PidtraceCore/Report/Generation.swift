extension TraceReport {
    /// One run of a container (or of a PID namespace, for traces without containers):
    /// its PID 1, how it started and ended, and what happened to its processes.
    public struct Generation: Sendable {
        /// nil for a PID namespace that belongs to no known container.
        public var container: ContainerIdentity?
        public var pidns: Int?
        /// PID 1's host PID, once a record named it.
        public var initHostPID: Int?
        /// The init's PID in its namespace: 1, or another for a container whose init
        /// joined a namespace shared with others (a pod's, whose PID 1 is the sandbox's).
        public var initNSPID: Int?
        /// When the init started (boot-time ns), from its exit's record: with the boot,
        /// the namespace and the host PID, what tells this run from any other.
        public var initStartNs: Int?
        /// The init is not its namespace's PID 1: the container joined a shared namespace.
        public var initJoinedNamespace: Bool { (initNSPID ?? 1) != 1 }
        /// How a label names the init: "PID 1", or "init" for one that joined a shared
        /// namespace (a pod's, whose PID 1 is the sandbox's, not this container's).
        public var initLabel: String { initJoinedNamespace ? "init" : "PID 1" }
        /// PID 1's command lines in order: its argv at trace start (a `snapshot`), then each exec.
        public var execChain: [ExecStep] = []
        public var start: Stamp?
        public var end: Stamp?
        /// nil while PID 1's end is not in the file (still running when the trace stopped, or cut).
        public var ending: Ending?
        /// Every recorded signal to PID 1 that can change its fate, in order.
        public var signalsToInit: [Signal] = []
        /// The other signals to PID 1 (SIGCHLD, SIGURG, ...), counted by name.
        public var otherSignalsToInit: [String: Int] = [:]
        public var oomKills: [OOMKill] = []
        /// `exec_failed` records, in order (bounded: `FailedExec.kept`).
        public var failedExecs: [FailedExec] = []
        /// Processes among this generation's records (threads not counted; a reused
        /// host PID is another process). Counted, so a bounded report still knows it.
        public var processesSeen = 0
        /// `zombie` records with no later `reap` of the same process: still zombies when
        /// the trace ended. (An `exit` without a `reap` is not counted: the tracer's
        /// `--zombie-after` check decides what is a zombie.)
        public var neverReaped: [Zombie] = []
        /// `reap` records whose zombie time exceeds the report's threshold.
        public var reapedLate: [Zombie] = []
        /// The process tree, from fork/exec/exit/snapshot records, in order of first record.
        public var processes: [ProcessNode] = []
        /// What the runtime said it did to this run (`runtime_event` records), in order.
        public var runtimeEvents: [RuntimeEvent] = []

        /// The runtime could not start this run (`start_failed`), with its error.
        public var startFailure: RuntimeEvent? { runtimeEvents.last { $0.action == "start_failed" } }

        /// The runtime reported this run started (a `start` event).
        public var startReported: Bool { runtimeEvents.contains { $0.action == "start" } }

        /// The runtime was asked to stop or kill this run (`docker stop`, `docker kill`).
        public var stoppedOnRequest: Bool { runtimeEvents.contains { $0.action == "kill" || $0.action == "stop" } }

        /// Who started this run, as the runtime said; nil when it said nothing (no
        /// runtime API, an older recording, or a run that began before the trace).
        public var startedBy: StartCause? {
            guard let start = runtimeEvents.last(where: { $0.action == "start" }) else {
                // A CRI runtime tells no start; a pod's container that ran before under its
                // name was made again, as the kubelet restarts one.
                if let c = container, let pod = c.pod, !pod.isSandbox, c.generation > 1, !runningAtTraceStart {
                    return .recreatedInPod
                }
                return nil
            }
            if runtimeEvents.contains(where: { $0.action == "restart" }) { return .restartRequest }
            if let count = start.restartCount, count > 0 { return .restartPolicy(count: count) }
            return .startRequest
        }

        /// PID 1 was running when the trace started (its first command is from a snapshot).
        public var runningAtTraceStart: Bool { execChain.first?.runningAtStart == true }

        /// From start to end in boot-time ns, when both are in the file.
        public var lifetimeNs: Int? {
            guard !runningAtTraceStart, let from = start?.tsNs, let to = end?.tsNs else { return nil }
            let (ns, overflow) = to.subtractingReportingOverflow(from)
            return overflow || ns < 0 ? nil : ns
        }
    }

    /// A `runtime_event` record.
    public struct RuntimeEvent: Sendable, Equatable {
        public var stamp: Stamp
        public var action: String
        public var restartCount: Int?
        public var signal: Int?
        public var exitCode: Int?
        /// `start_failed`: the runtime's own words.
        public var error: String?
    }

    /// What started a run: the restart policy (its restart count then), a `start`
    /// request (`docker run`, `docker start`), or a `restart` request (`docker restart`).
    public enum StartCause: Sendable, Equatable {
        case restartPolicy(count: Int)
        case startRequest
        case restartRequest
        /// A pod's container created again under its name (a new container ID) through the
        /// CRI: how the kubelet restarts it (its restartPolicy, or a liveness probe's kill).
        case recreatedInPod
    }

    public struct ExecStep: Sendable, Equatable {
        public var stamp: Stamp
        public var argv: [String]
        /// From a `snapshot` record: the command PID 1 was running when the trace started.
        public var runningAtStart: Bool
    }

    public enum Ending: Sendable, Equatable {
        case exited(code: Int)
        /// Died by a signal; `sender` from the last `signal` record to PID 1 with that number.
        case killed(signal: Int, name: String, coreDumped: Bool, sender: Signal.Sender?)
        /// An `oom_kill` record names PID 1.
        case oomKilled(memcgID: Int?)
    }

    /// An execve that failed (an `exec_failed` record).
    public struct FailedExec: Sendable, Equatable {
        public var process: ProcessRef
        public var stamp: Stamp
        /// The path it tried, as it passed it.
        public var path: String
        public var argv: [String]
        public var errno: Int?
        /// "ENOENT", "EACCES", ... (`error` of the record).
        public var error: String
        /// By the namespace's PID 1.
        public var byInit: Bool
        /// The same process exec'd successfully later: one try of a `PATH` search, not
        /// a failure that mattered.
        public var superseded = false

        /// Per generation: the first half and the latest of them (a PATH search makes many).
        static let kept = 32

        public init(process: ProcessRef, stamp: Stamp, path: String, argv: [String], errno: Int?, error: String,
                    byInit: Bool, superseded: Bool = false) {
            self.process = process
            self.stamp = stamp
            self.path = path
            self.argv = argv
            self.errno = errno
            self.error = error
            self.byInit = byInit
            self.superseded = superseded
        }
    }

    public struct OOMKill: Sendable, Equatable {
        public var process: ProcessRef
        public var stamp: Stamp
        public var memcgID: Int?
    }

    /// One process (one host PID from fork or first sight to exit) in the tree.
    public struct ProcessNode: Sendable, Equatable {
        public var process: ProcessRef
        public var hostPPID: Int?
        /// Index of the parent in `Generation.processes`; nil for a root.
        public var parent: Int?
        /// The command lines it ran: argv at trace start (snapshot), then each exec.
        public var commands: [[String]] = []
        /// The argv of its latest exec record: what it was started with, where a later
        /// snapshot may read a title it set itself ("nginx: master process …").
        public var execArgv: [String]?
        public var exit: ExitOutcome?
        public var neverReaped = false
        /// The namespace's PID 1.
        public var isInit = false
        /// Its fork, when recorded (else it was first seen later).
        public var firstSeen: Stamp?
        public var exitStamp: Stamp?
        /// Signals to it that can change its fate, in order.
        public var signals: [Signal] = []

        /// Killed by the kernel because its namespace's PID 1 exited.
        public var killedByTeardown: Bool { signals.contains { $0.origin == "pidns_teardown" } }
    }
}

extension TraceReport.Generation {
    /// A run whose init ended without exec'ing anything, of a container whose runtime
    /// says what it did (Docker's or Podman's API), before the runtime has said it: why
    /// it could not start it (`start_failed`, asked for once the init is gone), or that it
    /// started it and saw it die. Its story waits for that word, a few ms, so that the
    /// live END row tells what `summary` will.
    var awaitsRuntime: Bool {
        guard execChain.isEmpty, !runningAtTraceStart, failedExecs.isEmpty, let c = container, c.pod == nil,
              c.runtime == "docker" || c.runtime == "podman" else { return false }
        return !runtimeEvents.contains { $0.action == "start_failed" || $0.action == "die" }
    }
}
