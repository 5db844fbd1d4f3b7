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

    /// The runtime's own commands, for the fixes.
    let advice: RuntimeAdvice

    init(_ generation: TraceReport.Generation) {
        g = generation
        advice = RuntimeAdvice(generation.container)
    }

    /// "PID 1 (/bin/sh /start.sh)"; "The container's init (ns PID 12, /bin/sh /start.sh)"
    /// for one that joined a shared namespace (a pod's: PID 1 there is the sandbox's).
    var initName: String {
        let comm = g.processes.first { $0.isInit }?.process.comm
        let command = g.execChain.last.map { F.command($0.argv, comm: comm) } ?? comm.map { F.printable($0) }
        guard g.initJoinedNamespace, let nsPID = g.initNSPID else { return "PID 1" + (command.map { " (\($0))" } ?? "") }
        return "The container's init (ns PID \(nsPID)" + (command.map { ", \($0)" } ?? "") + ")"
    }

    /// How the fix names the init: "PID 1", or "the container's init" (not PID 1 of the
    /// shared namespace it joined).
    var initRole: String { g.initJoinedNamespace ? "the container's init" : "PID 1" }

    /// Why the init ignored a request: the kernel's rule for a namespace's PID 1, or,
    /// for an init that is not PID 1, its own choice (a process without a handler dies).
    private var ignoredWhy: String {
        g.initJoinedNamespace
            ? "it had set the signal to be ignored (as `trap '' TERM` does in a shell); it is not PID 1 of its "
                + "PID namespace (the pod shares one), so without a handler the signal would have killed it."
            : Self.pid1Rule
    }

    func findings() -> [Finding] {
        guard g.initHostPID != nil else { return [] }
        var out: [Finding] = []
        if let request = stopRequest() {
            out += stopStory(request)
        } else if let ending = g.ending {
            out += endingStory(ending)
        }
        for kill in g.oomKills where kill.process.hostPID != g.initHostPID {
            out.append(Finding(kind: "oom_kill", text: "The OOM killer killed \(F.process(kill.process))"
                + (kill.memcgID.map { " (memory cgroup \($0))" } ?? "") + ": the container reached its memory limit.",
                fix: memoryFix))
        }
        if !g.neverReaped.isEmpty {
            let n = g.neverReaped.count
            // In a shared namespace orphans go to its PID 1, the sandbox's init, not this container's.
            let adopted = hasInit || g.initJoinedNamespace
                ? "" : "; orphans are adopted by \(initName), which never reaps them either (a shell or an application as PID 1 does not)"
            out.append(Finding(
                kind: "zombies",
                text: "\(n) process\(n == 1 ? "" : "es") stayed \(n == 1 ? "a zombie" : "zombies") until the trace ended: "
                    + g.neverReaped.prefix(5).map { F.process($0.process) }.joined(separator: ", ")
                    + (n > 5 ? ", …" : "") + ". \(n == 1 ? "Its parent" : "Their parents") never wait()ed for \(n == 1 ? "it" : "them")"
                    + adopted + ".",
                fix: hasInit || g.initJoinedNamespace ? "make their parent wait() for its children"
                    : advice.initReapingOrphans + ", or make PID 1 wait() for its children"))
        }
        return out
    }

    // MARK: - Asked to stop

    /// The request to end that this generation's end answers: the last one before the
    /// SIGKILL that ended it (the stop timeout's), else before its end, a SIGTERM
    /// rather than an earlier unrelated one (a `docker kill -s HUP` before a `docker stop`).
    func stopRequest() -> Signal? {
        let requests = g.signalsToInit.filter { Self.requestsToEnd.contains($0.number) && $0.origin != "pidns_teardown" }
        guard !requests.isEmpty else { return nil }
        let limit: Int
        if case .killed(9, _, _, _)? = g.ending, let kill = fatalKill() {
            limit = kill.stamp.tsNs ?? Int.max
        } else {
            limit = g.end?.tsNs ?? Int.max
        }
        let before = requests.filter { ($0.stamp.tsNs ?? 0) <= limit }
        return before.last { $0.number == 15 } ?? before.last
    }

    /// The last SIGKILL sent to PID 1 (not the teardown's to its threads).
    func fatalKill(after ns: Int = Int.min) -> Signal? {
        g.signalsToInit.last { $0.number == 9 && $0.origin != "pidns_teardown" && ($0.stamp.tsNs ?? 0) >= ns }
    }

    /// PID 1 got SIGTERM (or INT, QUIT, HUP): did it stop, and who else heard of it?
    private func stopStory(_ request: Signal) -> [Finding] {
        let askNs = request.stamp.tsNs ?? 0
        if let forward = forwarded(request) { return wrapperStory(request, forward) }
        var out: [Finding] = []
        let from = request.sender.map { " from " + F.sender($0) } ?? ""
        let finalKill = fatalKill(after: askNs)
        let unaware = processesNeverAsked(since: askNs)
        switch g.ending {
        case .killed(9, _, _, _)? where finalKill != nil:
            let delay = finalKill.flatMap { $0.stamp.tsNs }.map { F.duration($0 - askNs) } ?? "?"
            let killer = finalKill?.sender.map { " from " + F.sender($0) } ?? ""
            let first = request.result == "ignored"
                ? "\(initName) ignored \(request.name)\(from): " + ignoredWhy
                : "\(initName) received \(request.name)\(from) but had not exited"
            let then = request.result == "ignored"
                ? " SIGKILL\(killer) followed \(delay) later (\(advice.stopTimeout)) and killed it."
                : " \(delay) later, when SIGKILL\(killer) killed it (\(advice.stopTimeout))."
            // Not PID 1, it ignored the request by its own choice (SIG_IGN): undoing that is the fix.
            let fix = g.initJoinedNamespace && request.result == "ignored"
                ? "make the container's init stop ignoring \(request.name) (as `trap '' TERM` makes a shell ignore SIGTERM): "
                    + "without that it dies of it, or a handler can stop the work and exit"
                : "make \(initRole) exit on \(request.name) (a handler that stops the work and exits)"
            out.append(Finding(kind: "stop_timeout", text: first + then, fix: unaware.isEmpty ? fix : nil))
        case let .exited(code)? where endsAfter(askNs):
            out.append(Finding(kind: "clean_stop",
                               text: "\(initName) received \(request.name)\(from) and \(Self.exited(code))\(later(askNs)): "
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
        if let finding = neverAsked(unaware, request) { out.append(finding) }
        return out
    }

    /// "Never received SIGTERM: …" and the fix, naming the server the entrypoint started.
    private func neverAsked(_ unaware: [TraceReport.ProcessNode], _ request: Signal) -> Finding? {
        guard !unaware.isEmpty else { return nil }
        let names = unaware.prefix(6).map { node in
            isOutsider(node) ? F.process(TraceReport.ProcessRef(hostPID: node.process.hostPID, nsPID: node.process.nsPID,
                                                                comm: (node.process.comm ?? "?") + ", started from outside the container, as by \(advice.exec)"))
                : F.process(node.process)
        }
            .joined(separator: ", ") + (unaware.count > 6 ? " and \(unaware.count - 6) more" : "")
        let fate = unaware.allSatisfy(\.killedByTeardown)
            ? "; the kernel killed them with SIGKILL when PID 1 died (namespace torn down), so they could not shut down cleanly"
            : ""
        let inside = unaware.filter { !isOutsider($0) }
        var fix: String?
        if inside.isEmpty {
            fix = nil // only `docker exec` sessions: not the container's own work
        } else if let app = forwardedTo {
            fix = "make the app (\(F.process(app.process))) pass \(request.name) on to the processes it started, "
                + "or stop them before it exits"
        } else {
            let orInit = hasInit ? "" : ", or " + advice.initForwardingSignals
            fix = "make the entrypoint script start the server with \(execLine(inside)), so that it becomes \(initRole) and "
                + "receives \(request.name) itself" + orInit
        }
        return Finding(kind: "never_got_sigterm", text: "Never received \(request.name): \(names)\(fate).", fix: fix)
    }

    /// "`exec nginx -g 'daemon off;'`": the command that started the server, from its exec record.
    private func execLine(_ candidates: [TraceReport.ProcessNode]) -> String {
        let lasting = candidates.filter { !isShortLived($0) }
        guard let server = lasting.min(by: { depth($0) < depth($1) }) else {
            return "`exec` (its last, long-running command: the server; this recording shows no clear one: "
                + "look for the process that does the container's work, not a short-lived helper or a \(advice.exec) session)"
        }
        if let argv = server.execArgv { return "`exec " + F.command(argv, comm: nil) + "`" }
        let shown = server.commands.last.map { ", seen only as \"" + F.command($0, comm: nil) + "\" in /proc, which may be a title it set" } ?? ""
        return "`exec` (the server: \(F.process(server.process))\(shown))"
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
        g.end?.tsNs.map { " " + F.duration($0 - ns) + " later" } ?? ""
    }

    /// PID 1's end came after this time.
    private func endsAfter(_ ns: Int) -> Bool { (g.end?.tsNs ?? Int.max) >= ns }

    /// "exited (code 0)", "exited with code 143 (128 + 15: …)".
    static func exited(_ code: Int) -> String {
        ExitCodeMeaning.of(code) == nil ? "exited (code \(code))" : "exited with code " + ExitCodeMeaning.explained(code)
    }

    /// The kernel's rule for a namespace's PID 1 (kernel/signal.c, sig_task_ignored and
    /// the SIGNAL_UNKILLABLE check), said where PID 1 ignored a request.
    static let pid1Rule = "a namespace's PID 1 gets only the signals it has a handler for, "
        + "except SIGKILL and SIGSTOP sent from an ancestor namespace, which always reach it."

    // MARK: - An init as PID 1

    /// Init wrappers known by name; one is also recognised by what it does (`forwarded`).
    static let initNames: Set<String> = ["docker-init", "tini", "tini-static", "catatonit", "dumb-init", "s6-svscan",
                                         "runit", "runsvdir", "supervisord", "pause", "init"]

    /// How long an init may take to pass a signal on (it does so at once: ~0.1 ms here).
    static let forwardWindowNs = 100_000_000

    /// The name PID 1 runs as: "docker-init" for `/sbin/docker-init -- sh …`.
    var initProgram: String? {
        let path = g.execChain.last?.argv.first ?? g.processes.first { $0.isInit }?.process.comm
        return path.map { String($0.split(separator: "/").last ?? Substring($0)) }
    }

    /// PID 1 is an init: one by name, or one seen passing a request on.
    private var hasInit: Bool {
        forwardedTo != nil || initProgram.map(Self.initNames.contains) == true
    }

    /// The signal PID 1 itself sent on to a child within a few ms of getting `request`,
    /// and that child: what an init does (docker-init/tini, catatonit, dumb-init).
    private func forwarded(_ request: Signal) -> (signal: Signal, app: TraceReport.ProcessNode)? {
        guard let askNs = request.stamp.tsNs, let initPID = g.initHostPID else { return nil }
        for node in g.processes where !node.isInit && node.process.hostPID != initPID {
            if let s = node.signals.first(where: {
                $0.number == request.number && $0.sender?.hostPID == initPID && $0.origin != "pidns_teardown"
                    && ($0.stamp.tsNs ?? Int.min) >= askNs && ($0.stamp.tsNs ?? Int.max) - askNs <= Self.forwardWindowNs
            }) { return (s, node) }
        }
        return nil
    }

    /// The app an init passed a request on to, if it did.
    private var forwardedTo: TraceReport.ProcessNode? {
        g.signalsToInit.lazy.filter { Self.requestsToEnd.contains($0.number) }.compactMap { forwarded($0)?.app }.first
    }

    /// PID 1 is an init that passed `request` on to the app: what the app did decides the story.
    private func wrapperStory(_ request: Signal, _ forward: (signal: Signal, app: TraceReport.ProcessNode)) -> [Finding] {
        let askNs = request.stamp.tsNs ?? 0
        let app = forward.app
        let from = request.sender.map { " from " + F.sender($0) } ?? ""
        let wrapper = initProgram.map { ", an init (\(F.printable($0)))," } ?? ", an init,"
        let passDelay = forward.signal.stamp.tsNs.map { " " + F.duration($0 - askNs) + " later" } ?? ""
        var text = "\(initName)\(wrapper) received \(request.name)\(from) and forwarded it\(passDelay) to the app, "
            + "\(F.process(app.process))."
        let appCommand = (app.execArgv ?? app.commands.last).map { "`" + F.command($0, comm: app.process.comm) + "`" }
        let appName = "the app" + (appCommand.map { " (\($0))" } ?? "")
        let appEnd = app.exitStamp?.tsNs.map { " " + F.duration($0 - askNs) + " after the request" } ?? ""
        let initEnd: String
        switch g.ending {
        case let .exited(code)?: initEnd = "; \(initRole) then " + Self.exited(code) + later(askNs).replacing(" later", with: " after the request")
        case let .killed(_, name, _, _)?: initEnd = "; \(initRole) was killed by \(F.printable(name))"
        default: initEnd = ""
        }
        let finalKill = fatalKill(after: askNs)
        var kind = "clean_stop"
        var fix: String?
        switch app.exit {
        case let .code(code)? where finalKill.map({ ($0.stamp.tsNs ?? 0) > (app.exitStamp?.tsNs ?? Int.max) }) ?? true:
            text += " The app handled it: it \(Self.exited(code))\(appEnd)" + initEnd + "."
        case let .signal(number, name, _)? where number == request.number:
            text += " The app had no handler and died of \(F.printable(name))\(appEnd)" + initEnd + "."
        default:
            kind = finalKill == nil ? "stop_pending" : "stop_timeout"
            let did = forward.signal.result == "ignored" ? "The app ignored it" : "The app received it but had not exited"
            text += " " + did
            if let finalKill {
                let delay = finalKill.stamp.tsNs.map { F.duration($0 - askNs) } ?? "?"
                let killer = finalKill.sender.map { " from " + F.sender($0) } ?? ""
                text += ": SIGKILL\(killer) followed \(delay) later (\(advice.stopTimeout)) and killed \(initRole)"
                text += app.killedByTeardown ? "; the kernel then killed the app (namespace torn down)." : "."
            } else {
                text += g.ending == nil ? "; both were still running when the trace ended." : initEnd + "."
            }
            fix = "make \(appName) exit on \(request.name): \(F.printable(initProgram ?? "the init")) passes it on, "
                + (forward.signal.result == "ignored" ? "but the app ignores it (it set the signal to be ignored, as `trap '' TERM` does in a shell)"
                    : "but the app does not stop (its handler must stop the work and exit)")
        }
        var out = [Finding(kind: kind, text: text, fix: fix)]
        let others = processesNeverAsked(since: askNs).filter { $0.process.hostPID != app.process.hostPID && !isShortLived($0) }
        if let finding = neverAsked(others, request) { out.append(finding) }
        return out
    }

    // MARK: - Which process is which

    /// Started from outside the container (`docker exec`, `nsenter`): its line of parents
    /// does not lead to PID 1 but to a process outside (runc, the shim).
    private func isOutsider(_ node: TraceReport.ProcessNode) -> Bool {
        var current = node
        var steps = 0
        while let parent = current.parent, steps <= g.processes.count {
            current = g.processes[parent]
            steps += 1
        }
        if current.isInit || current.process.hostPID == g.initHostPID { return false }
        guard let ppid = current.hostPPID else { return false } // not known: not said
        return ppid != g.initHostPID
    }

    /// A helper that comes and goes: it ran under a second, or its command ran before
    /// and ended by itself within seconds (a loop's `sleep 1`).
    private func isShortLived(_ node: TraceReport.ProcessNode) -> Bool {
        func lifetime(_ n: TraceReport.ProcessNode) -> Int? {
            guard let a = n.firstSeen?.tsNs, let b = n.exitStamp?.tsNs else { return nil }
            return b - a
        }
        if case .code? = node.exit, let t = lifetime(node), t < 1_000_000_000 { return true }
        guard let command = node.commands.last else { return false }
        return g.processes.contains { other in
            guard other.process.hostPID != node.process.hostPID, other.commands.last == command,
                  case .code? = other.exit, let t = lifetime(other) else { return false }
            return t < 5_000_000_000
        }
    }

    /// Steps from PID 1 (far when not known).
    private func depth(_ node: TraceReport.ProcessNode) -> Int {
        var current = node, steps = 0
        while let parent = current.parent, steps <= g.processes.count {
            current = g.processes[parent]
            steps += 1
            if current.isInit { return steps }
        }
        return current.hostPPID == g.initHostPID ? steps + 1 : Int.max
    }

    // MARK: - Ended without being asked

    private func endingStory(_ ending: TraceReport.Ending) -> [Finding] {
        if let story = failedExecStory(ending) { return story } // FailedExecStory.swift
        let torn = g.processes.filter(\.killedByTeardown).count
        let aftermath = torn == 0 ? "" : " The kernel then killed the \(torn) process\(torn == 1 ? "" : "es") left in its namespace (namespace torn down)."
        let lifetime = g.lifetimeNs.map { " after " + F.duration($0) } ?? ""
        switch ending {
        case let .exited(code):
            return [Finding(kind: "exited", text: "\(initName) exited by itself with code \(ExitCodeMeaning.explained(code))\(lifetime): no signal asked it to." + aftermath,
                            fix: code == 0 ? nil : "look at the container's own output (\(advice.logs)) for why it exited with \(code)")]
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
                            fix: memoryFix)]
        }
    }

    var memoryFix: String { "raise the container's memory limit (\(advice.memoryLimit)) or find what uses the memory" }
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
