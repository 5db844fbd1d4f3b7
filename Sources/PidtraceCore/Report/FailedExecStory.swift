/// The story of a generation whose program could not be exec'd: a script's `exec` of a
/// missing binary (PID 1 then exits 127), or an entrypoint the runtime's init could not
/// exec at all (the program never started), told by the failed exec the kernel
/// recorded, else by what the runtime said. Used by `Diagnosis.endingStory`.
extension TraceReport.Generation {
    /// A failed exec, kept within `FailedExec.kept` (the first half and the latest).
    mutating func execFailed(_ failed: TraceReport.FailedExec) {
        if failedExecs.count >= TraceReport.FailedExec.kept { failedExecs.remove(at: TraceReport.FailedExec.kept / 2) }
        failedExecs.append(failed)
    }

    /// The process exec'd successfully: its earlier failures were tries (a PATH search).
    mutating func execSucceeded(hostPID: Int) {
        for i in failedExecs.indices where failedExecs[i].process.hostPID == hostPID { failedExecs[i].superseded = true }
    }
}

extension Diagnosis {
    /// The ending told through a failed exec, or nil when none explains it.
    func failedExecStory(_ ending: TraceReport.Ending) -> [TraceReport.Finding]? {
        guard case let .exited(code) = ending else { return nil }
        let failures = g.failedExecs.filter { !$0.superseded }
        let initComm = g.processes.first { $0.isInit }?.process.comm
        // PID 1 never ran a program of its own: still the runtime's init (runc's
        // process title), or a failed exec and no successful one.
        let ownFailure = failures.last { $0.byInit || $0.process.hostPID == g.initHostPID }
        let runtimeInit = (initComm ?? ownFailure?.process.comm)?.hasPrefix("runc:") == true
        if g.execChain.isEmpty && !g.runningAtTraceStart && (runtimeInit || ownFailure != nil) {
            return [neverStarted(code: code, failure: ownFailure, initComm: initComm ?? ownFailure?.process.comm,
                                 runtimeInit: runtimeInit)]
        }
        if let ownFailure {
            return [Self.finding(kind: "exec_failed", ownFailure,
                                 "\(initName) exited with code \(code)\(Self.codeMeaning(code)) after its exec of "
                                     + "\(F.printable(ownFailure.path)) failed: \(Self.error(ownFailure)).")]
        }
        // A child's failed exec, when the exit status is the shell's for it (126, 127).
        if code == 126 || code == 127, let child = failures.last {
            return [Self.finding(kind: "exec_failed", child,
                                 "\(initName) exited with code \(code)\(Self.codeMeaning(code)) after the exec of "
                                     + "\(F.printable(child.path)) by \(F.process(child.process)) failed: \(Self.error(child)).")]
        }
        return nil
    }

    private func neverStarted(code: Int, failure: TraceReport.FailedExec?, initComm: String?,
                              runtimeInit: Bool) -> TraceReport.Finding {
        let who = "PID 1" + (initComm.map { " (\(F.printable($0))\(runtimeInit ? ", the runtime's init" : ""))" } ?? "")
        if let failure {
            return Self.finding(kind: "never_started", failure,
                                "The entrypoint never started: the exec of \(F.printable(failure.path)) by \(who) failed: "
                                    + "\(Self.error(failure)), and it exited with code \(code).")
        }
        if let refused = g.startFailure { return runtimeRefused(refused, who: who, code: code) }
        if g.startReported && runtimeInit {
            // runc checks the entrypoint before the start; after it, only the exec is left.
            return TraceReport.Finding(
                kind: "never_started",
                text: "The entrypoint never started: \(who) exited with code \(code) without exec'ing it, after the runtime "
                    + "had started the container. runc refuses a missing entrypoint, or one without an execute bit, "
                    + "before the start, so here the exec itself failed (or runc's init, just before it): the kernel "
                    + "refuses, among others, a binary for another architecture or a script without a `#!` line "
                    + "(ENOEXEC), and a script whose `#!` interpreter is missing (ENOENT). runc writes the reason to the "
                    + "container's output.",
                fix: "see the container's output (\(advice.logs): runc writes `exec PATH: REASON` there), or trace with "
                    + "`--events +exec_failed`, which records the failed exec with its path and error")
        }
        return TraceReport.Finding(
            kind: "never_started",
            text: "The entrypoint never started: \(who) exited with code \(code) without exec'ing it. Either the "
                + "runtime's own check refused the entrypoint before any exec (runc's: a missing file, no execute bit, "
                + "a directory; Docker then reports exit 127 or 126 and keeps the container \"created\"), or its exec "
                + "failed (a binary for another architecture, a script without a `#!` line or whose interpreter is "
                + "missing), which `--events +exec_failed` records.",
            fix: "see \(advice.startError) and the container's output (\(advice.logs))")
    }

    /// The runtime could not start the container, and said why (Docker's `State.Error`).
    private func runtimeRefused(_ refused: TraceReport.RuntimeEvent, who: String, code: Int) -> TraceReport.Finding {
        let said = "“" + F.printable(refused.error ?? "") + "”"
        let reported = refused.exitCode.map { ", and \(advice.runtimeName) reports exit " + ExitCodeMeaning.explained($0) } ?? ""
        let exited = "\(who) exited with code \(code) before any exec\(reported)."
        guard let refusal = refused.error.flatMap(EntrypointRefusal.init(runtimeError:)) else {
            return TraceReport.Finding(kind: "never_started",
                                       text: "The entrypoint never started: the runtime could not start the container. "
                                           + exited + " The runtime said: \(said).",
                                       fix: "correct what the runtime's error names (the entrypoint, a mount, a device, …) "
                                           + "in the image or the container's options")
        }
        return TraceReport.Finding(kind: "never_started",
                                   text: "The entrypoint never started: the runtime could not run \(F.printable(refusal.path)): "
                                       + "\(F.printable(refusal.explanation)). \(exited) The runtime said: \(said).",
                                   fix: refusal.fix.map(F.printable) ?? "check the entrypoint's path and mode in the image")
    }

    /// "ENOENT (no such file or directory)".
    static func error(_ f: TraceReport.FailedExec) -> String {
        let meaning = f.errno.flatMap { ErrnoName.meaning(Int32(clamping: $0)) }
            ?? ErrnoName.number(f.error).flatMap(ErrnoName.meaning)
        return F.printable(f.error) + (meaning.map { " (\($0))" } ?? "")
    }

    /// What a shell or an init means by the code.
    static func codeMeaning(_ code: Int) -> String {
        switch code {
        case 126: " (a shell's code for a command found but not executable)"
        case 127: " (a shell's code for a command not found)"
        default: ""
        }
    }

    /// The finding, with what the error usually means and the fix.
    static func finding(kind: String, _ f: TraceReport.FailedExec, _ text: String) -> TraceReport.Finding {
        let path = "`" + F.printable(f.path) + "`"
        switch f.error {
        case "ENOENT":
            return TraceReport.Finding(kind: kind, text: text + " Either \(path) does not exist there, or the `#!` "
                                           + "interpreter it names does not (a script saved with CRLF line endings names `sh\\r`).",
                                       fix: "check that \(path) exists in the image at that path; for a script, its first line (`#!/bin/sh`, Unix line endings)")
        case "EACCES":
            return TraceReport.Finding(kind: kind, text: text + " \(path) is not executable (no execute bit, a directory, or a noexec mount).",
                                       fix: "make \(path) executable in the image (`chmod +x`)")
        case "ENOEXEC":
            return TraceReport.Finding(kind: kind, text: text + " The kernel cannot run that format: a binary for another "
                                           + "architecture, or a script without a `#!` line.",
                                       fix: "build the image for this host's architecture, or start the script with `#!/bin/sh`")
        default:
            return TraceReport.Finding(kind: kind, text: text, fix: nil)
        }
    }
}
