extension TraceReport {
    /// How a generation ended, in the few words a history line and a metric's labels
    /// need; the findings (`Generation.findings`) tell the whole story.
    public struct Outcome: Sendable, Equatable {
        /// `exit`, or the name of the signal that killed the init (`SIGKILL` for an OOM kill).
        public var how: String
        public var exitCode: Int?
        public var cause: Cause
        /// "PID 1 (sh) ignored SIGTERM from runc; SIGKILL from runc 10.0 s later".
        public var headline: String
        /// The init had SIGTERM ignored (the kernel's rule for PID 1, or its own choice).
        public var sigtermIgnored: Bool
        /// From the request to end (SIGTERM, SIGINT, ...) to the init's end.
        public var stopDelayNs: Int?

        /// For an outcome read back from the history (`Diagnosis` makes the live ones).
        public init(how: String, exitCode: Int?, cause: Cause, headline: String, sigtermIgnored: Bool, stopDelayNs: Int?) {
            self.how = how
            self.exitCode = exitCode
            self.cause = cause
            self.headline = headline
            self.sigtermIgnored = sigtermIgnored
            self.stopDelayNs = stopDelayNs
        }
    }

    /// Who ended a generation (the metric label `cause`).
    public enum Cause: String, Sendable, Equatable, CaseIterable {
        /// The container runtime (runc, containerd's shim, conmon, ...): a stop or kill request.
        case runtime
        /// The kernel killed the init because the PID namespace it joined lost its PID 1.
        case pidnsTeardown = "pidns_teardown"
        case oomKiller = "oom_killer"
        /// A process of the container, the init itself included (it exited, or faulted).
        case container
        /// A process outside the container (a host shell's `kill`, another container's process).
        case host
        /// The kernel, for none of the reasons above.
        case kernel
        /// No end recorded, or a signal whose sender was not.
        case unknown
    }
}

extension TraceReport.Generation {
    /// nil while the generation has not ended.
    public var outcome: TraceReport.Outcome? { Diagnosis(self).outcome() }
}

extension Diagnosis {
    /// Programs that send a container's stop and kill signals for its runtime, by comm
    /// (15 characters at most: `containerd-shim-runc-v2` is `containerd-shim`).
    static let runtimeComms: Set<String> = ["runc", "crun", "youki", "runsc", "containerd-shim", "containerd", "dockerd",
                                            "conmon", "podman", "crio", "kubelet"]

    func outcome() -> TraceReport.Outcome? {
        guard let ending = g.ending else { return nil }
        let request = stopRequest()
        let ignored = request.map { $0.number == 15 && $0.result == "ignored" } ?? false
        let delay = request.flatMap { r in g.end?.tsNs.flatMap { end in r.stamp.tsNs.map { end - $0 } } }
        var outcome = TraceReport.Outcome(how: "exit", exitCode: nil, cause: .unknown, headline: "",
                                          sigtermIgnored: ignored, stopDelayNs: delay)
        let who = shortInitName
        switch ending {
        case let .exited(code):
            outcome.exitCode = code
            if let request, endsAfter(request) {
                outcome.cause = cause(of: request)
                outcome.headline = "\(who) exited with code \(code) on \(request.name)\(from(request))"
                    + (delay.map { ", " + F.duration($0) + " later" } ?? "")
            } else if let first = findings().first, first.kind == "never_started" || first.kind == "exec_failed" {
                outcome.cause = .container
                outcome.headline = first.kind == "never_started"
                    ? neverStartedHeadline(who: who, code: code)
                    : "\(who) exited with code \(code) after a failed exec"
            } else {
                outcome.cause = .container
                outcome.headline = "\(who) exited by itself with code \(code)" + (g.lifetimeNs.map { " after " + F.duration($0) } ?? "")
            }
        case let .killed(number, name, _, _):
            outcome.how = F.printable(name)
            let killing = g.signalsToInit.last { $0.number == number }
            outcome.cause = killing.map(cause(of:)) ?? .unknown
            if let request, number == 9, let kill = fatalKill(after: request.stamp.tsNs ?? Int.min) {
                let after = kill.stamp.tsNs.flatMap { k in request.stamp.tsNs.map { F.duration(k - $0) + " later" } }
                outcome.headline = "\(who) \(ignored ? "ignored" : "did not exit on") \(request.name)\(from(request)); "
                    + "SIGKILL\(from(kill))" + (after.map { " " + $0 } ?? "")
            } else if let request, request.number == number, endsAfter(request) {
                outcome.headline = "\(who) died of \(F.printable(name))\(from(request))"
                    + (delay.map { ", " + F.duration($0) + " later" } ?? "")
            } else {
                outcome.headline = "\(who) was killed by \(F.printable(name))" + (killing.map(from) ?? "")
            }
        case .oomKilled:
            outcome.how = "SIGKILL"
            outcome.cause = .oomKiller
            outcome.headline = "\(who) was killed by the OOM killer"
        }
        return outcome
    }

    /// With the runtime's reason when it gave one: "the entrypoint never started: the runtime
    /// could not run /nope (there is no file at that path in the container); exit 127".
    private func neverStartedHeadline(who: String, code: Int) -> String {
        let refused = g.runtimeEvents.last { $0.action == "start_failed" }
        guard let message = refused?.error, let refusal = EntrypointRefusal(runtimeError: message) else {
            return "the entrypoint never started; \(who) exited with code \(code)"
        }
        return "the entrypoint never started: the runtime could not run \(F.printable(refusal.path)) (\(refusal.explanation))"
            + (refused?.exitCode.map { "; exit \($0)" } ?? "")
    }

    /// "PID 1 (sh)": the program's name, not its whole command line.
    private var shortInitName: String {
        let program = initProgram ?? g.processes.first { $0.isInit }?.process.comm
        return (g.initJoinedNamespace ? "the container's init" : "PID 1") + (program.map { " (\(F.printable($0)))" } ?? "")
    }

    private func endsAfter(_ request: TraceReport.Signal) -> Bool { (g.end?.tsNs ?? Int.max) >= (request.stamp.tsNs ?? 0) }

    /// " from runc", " from the kernel"; "" when the sender was not recorded.
    private func from(_ s: TraceReport.Signal) -> String {
        switch s.origin {
        case "pidns_teardown": return " from the kernel (namespace torn down)"
        case "kernel": return " from the kernel"
        default: return s.sender?.comm.map { " from " + F.printable($0) } ?? ""
        }
    }

    private func cause(of s: TraceReport.Signal) -> TraceReport.Cause {
        switch s.origin {
        case "pidns_teardown": return .pidnsTeardown
        case "kernel":
            // A fault or a resource limit of the process itself, else the kernel's own kill.
            return [4, 5, 7, 8, 11, 24, 25, 31].contains(s.number) ? .container : .kernel
        default:
            guard let sender = s.sender else { return .unknown }
            if let mine = g.container?.name, sender.containerName == mine { return .container }
            if sender.containerName == nil, sender.hostPID == g.initHostPID { return .container }
            if sender.containerName == nil, let comm = sender.comm, Self.runtimeComms.contains(comm) { return .runtime }
            return .host
        }
    }
}
