extension TraceReport {
    /// One thing a person debugging a restart or a slow stop should know about a
    /// generation, stated from facts in the recording, with the fix when there is one.
    public struct Finding: Sendable, Equatable {
        /// Stable name for scripts: `stop_timeout`, `never_got_sigterm`, `clean_stop`,
        /// `exited`, `killed`, `oom_kill`, `zombies`.
        public var kind: String
        public var text: String
        public var fix: String?
    }
}

extension TraceReport.Generation {
    /// What ended this generation and why, in order of importance.
    public var findings: [TraceReport.Finding] { Diagnosis(self).findings() }
}

/// Reads a generation's PID 1 story: how it was asked to stop (SIGTERM and friends)
/// and what became of that, how it ended, which processes the kernel killed when it
/// did, OOM kills and zombies.
struct Diagnosis {
    typealias F = ReportFormat
    typealias Finding = TraceReport.Finding
    typealias Signal = TraceReport.Signal

    /// Requests to end, as `docker stop` (SIGTERM), Ctrl-C (SIGINT), a hang-up or a
    /// quit send them; a process without a handler dies of them unless it is PID 1.
    static let requestsToEnd: Set<Int> = [1, 2, 3, 15]

    let g: TraceReport.Generation

    init(_ generation: TraceReport.Generation) { g = generation }

    /// "PID 1 (/bin/sh /start.sh)".
    var initName: String {
        let comm = g.processes.first { $0.isInit }?.process.comm
        guard let argv = g.execChain.last?.argv else { return "PID 1" + (comm.map { " (\(F.printable($0)))" } ?? "") }
        return "PID 1 (" + F.command(argv, comm: comm) + ")"
    }

    func findings() -> [Finding] {
        guard g.initHostPID != nil else { return [] }
        var out: [Finding] = []
        if let request = g.signalsToInit.first(where: { Self.requestsToEnd.contains($0.number) }) {
            out += stopStory(request)
        } else if let ending = g.ending {
            out += endingStory(ending)
        }
        for kill in g.oomKills where kill.process.hostPID != g.initHostPID {
            out.append(Finding(kind: "oom_kill", text: "The OOM killer killed \(F.process(kill.process))"
                + (kill.memcgID.map { " (memory cgroup \($0))" } ?? "") + ": the container reached its memory limit.",
                fix: Self.memoryFix))
        }
        if !g.neverReaped.isEmpty {
            let n = g.neverReaped.count
            out.append(Finding(
                kind: "zombies",
                text: "\(n) process\(n == 1 ? "" : "es") stayed \(n == 1 ? "a zombie" : "zombies") until the trace ended: "
                    + g.neverReaped.prefix(5).map { F.process($0.process) }.joined(separator: ", ")
                    + (n > 5 ? ", …" : "") + ". \(n == 1 ? "Its parent" : "Their parents") never wait()ed for \(n == 1 ? "it" : "them"); orphans are adopted by "
                    + "\(initName), which never reaps them either (a shell or an application as PID 1 does not).",
                fix: "run the container with an init that reaps orphans (`docker run --init`), or make PID 1 wait() for its children"))
        }
        return out
    }

    // MARK: - Asked to stop

    /// PID 1 got SIGTERM (or INT, QUIT, HUP): did it stop, and who else heard of it?
    private func stopStory(_ request: Signal) -> [Finding] {
        var out: [Finding] = []
        let from = request.sender.map { " from " + F.sender($0) } ?? ""
        let askNs = request.stamp.tsNs ?? 0
        let finalKill = g.signalsToInit.last { $0.number == 9 && ($0.stamp.tsNs ?? 0) >= askNs }
        let unaware = processesNeverAsked(since: askNs)
        switch g.ending {
        case .killed(9, _, _, _)? where finalKill != nil:
            let delay = finalKill.flatMap { $0.stamp.tsNs }.map { F.shortDuration($0 - askNs) } ?? "?"
            let killer = finalKill?.sender.map { " from " + F.sender($0) } ?? ""
            let first = request.result == "ignored"
                ? "\(initName) ignored \(request.name)\(from): PID 1 of a namespace ignores every signal it has no handler for."
                : "\(initName) received \(request.name)\(from) but had not exited"
            let then = request.result == "ignored"
                ? " SIGKILL\(killer) followed \(delay) later (the stop timeout) and killed it."
                : " \(delay) later, when SIGKILL\(killer) killed it (the stop timeout)."
            out.append(Finding(kind: "stop_timeout", text: first + then,
                               fix: unaware.isEmpty ? "make PID 1 exit on \(request.name) (a handler that stops the work and exits)" : nil))
        case let .exited(code)? where endsAfter(askNs):
            out.append(Finding(kind: "clean_stop",
                               text: "\(initName) received \(request.name)\(from) and exited (code \(code))\(later(askNs)): "
                                   + "it handled the request itself."))
        case let .killed(number, name, _, _)? where number == request.number && endsAfter(askNs):
            out.append(Finding(kind: "clean_stop",
                               text: "\(initName) received \(request.name)\(from) and died of \(F.printable(name))\(later(askNs))."))
        case let ending?:
            out += endingStory(ending)
        case nil:
            let state = request.result == "ignored" ? "ignored" : "received"
            out.append(Finding(kind: "stop_pending",
                               text: "\(initName) \(state) \(request.name)\(from) and was still running when the trace ended."))
        }
        if !unaware.isEmpty {
            let names = unaware.prefix(6).map { F.process($0.process) }.joined(separator: ", ")
                + (unaware.count > 6 ? " and \(unaware.count - 6) more" : "")
            let fate = unaware.allSatisfy(\.killedByTeardown)
                ? "; the kernel killed them with SIGKILL when PID 1 died (namespace torn down), so they could not shut down cleanly"
                : ""
            let server = unaware.first { !$0.commands.isEmpty }.flatMap { $0.commands.last }
            let execLine = server.map { "`exec " + F.command($0, comm: nil) + "`" } ?? "`exec` the server"
            out.append(Finding(
                kind: "never_got_sigterm",
                text: "Never received \(request.name): \(names)\(fate).",
                fix: "make the entrypoint script start the server with \(execLine), so that it becomes PID 1 and "
                    + "receives \(request.name) itself, or run the container with an init that forwards signals (`docker run --init`)"))
        }
        return out
    }

    /// Processes other than PID 1 that were alive when the request reached PID 1, got
    /// no request to end themselves, and were killed (or outlived PID 1's record). One
    /// that exited by itself was told some other way (nginx tells its workers through
    /// a socket).
    private func processesNeverAsked(since askNs: Int) -> [TraceReport.ProcessNode] {
        g.processes.filter { node in
            guard !node.isInit, node.process.hostPID != g.initHostPID,
                  (node.firstSeen?.tsNs ?? Int.min) <= askNs,
                  (node.exitStamp?.tsNs ?? Int.max) >= askNs else { return false }
            if case .code? = node.exit { return false }
            return !node.signals.contains { Self.requestsToEnd.contains($0.number) && ($0.stamp.tsNs ?? 0) >= askNs }
        }
    }

    /// " 0.1 s later": from `ns` to PID 1's end.
    private func later(_ ns: Int) -> String {
        g.end?.tsNs.map { " " + F.shortDuration($0 - ns) + " later" } ?? ""
    }

    /// PID 1's end came after this time.
    private func endsAfter(_ ns: Int) -> Bool { (g.end?.tsNs ?? Int.max) >= ns }

    // MARK: - Ended without being asked

    private func endingStory(_ ending: TraceReport.Ending) -> [Finding] {
        if let story = failedExecStory(ending) { return story } // FailedExecStory.swift
        let torn = g.processes.filter(\.killedByTeardown).count
        let aftermath = torn == 0 ? "" : " The kernel then killed the \(torn) process\(torn == 1 ? "" : "es") left in its namespace (namespace torn down)."
        let lifetime = g.lifetimeNs.map { " after " + F.shortDuration($0) } ?? ""
        switch ending {
        case let .exited(code):
            return [Finding(kind: "exited", text: "\(initName) exited by itself with code \(code)\(lifetime): no signal asked it to." + aftermath,
                            fix: code == 0 ? nil : "look at the container's own output (`docker logs`) for why it exited with \(code)")]
        case let .killed(number, name, core, sender):
            let killing = g.signalsToInit.last { $0.number == number }
            let cause: String
            if let killing {
                let who = killing.sender.map { (hostPID: $0.hostPID ?? 0, comm: F.printable($0.comm ?? "?")) }
                cause = SignalCause.describe(signal: Int32(clamping: number), origin: killing.origin.flatMap(SignalOrigin.init(name:)),
                                             sender: who, senderIsTarget: killing.sender?.hostPID == g.initHostPID)
            } else {
                cause = sender.map { "from " + F.sender($0) } ?? "(the sender was not recorded)"
            }
            return [Finding(kind: "killed", text: "\(initName) was killed by \(F.printable(name)) \(cause)\(lifetime)"
                            + (core ? ", core dumped" : "") + "." + aftermath)]
        case let .oomKilled(memcg):
            return [Finding(kind: "oom_kill", text: "\(initName) was killed by the OOM killer\(lifetime)"
                            + (memcg.map { " (memory cgroup \($0))" } ?? "") + ": the container reached its memory limit." + aftermath,
                            fix: Self.memoryFix)]
        }
    }

    static let memoryFix = "raise the container's memory limit (`docker run --memory`) or find what uses the memory"
}

extension SignalOrigin {
    /// From the NDJSON name.
    init?(name: String) {
        switch name {
        case "process": self = .process
        case "kernel": self = .kernel
        case "pidns_teardown": self = .pidnsTeardown
        default: return nil
        }
    }
}
