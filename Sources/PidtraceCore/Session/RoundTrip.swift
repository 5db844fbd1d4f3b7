import CPidtrace
import Glibc

/// `pidtrace check`'s proof that tracing works end to end: a child started in a new
/// PID namespace must come back through the ring buffer as fork, exec and exit, with
/// `ns_pids` equal to the `NSpid:` line the kernel shows for it.
public struct RoundTrip {
    /// What came back; `problem` is nil when everything matched.
    public struct Outcome: Sendable {
        public var childHostPID: Int32 = 0
        public var nsPIDs: [UInt32] = []
        public var seen: [EventKind] = []
        /// Whether its reap (the parent's wait) came back too.
        public var reaped = false
        public var problem: String?
    }

    /// The child: a shell (in the new namespace's PID 1) that waits for a line on
    /// stdin, then exits 3, so its NSpid can be read while it lives.
    public var shell = "/bin/sh"
    public var proc = ProcReader()

    public init() {}

    public func run(tracer: BPFTracer, timeoutMs: Int = 3000) -> Outcome {
        var outcome = Outcome()
        var events: [ProcessEvent] = []
        let reader: RingBufferReader
        do {
            reader = try tracer.makeReader { events.append($0) }
        } catch {
            outcome.problem = error.description
            return outcome
        }
        let child: Int32
        let stdinWrite: Int32
        switch spawnInNewPIDNamespace() {
        case let .failure(problem):
            outcome.problem = problem.description
            return outcome
        case let .success((pid, fd)):
            child = pid
            stdinWrite = fd
        }
        outcome.childHostPID = child
        // The exec must have happened before NSpid is worth reading: wait for it.
        let deadline = BootClock.nowBootNs() + UInt64(timeoutMs) * 1_000_000
        func pump(until done: () -> Bool) {
            while !done() && BootClock.nowBootNs() < deadline { _ = try? reader.poll(timeoutMs: 50) }
        }
        let mine = { (kind: EventKind) in events.contains { $0.kind == kind && Int32($0.hostPID) == child } }
        pump { mine(.exec) }
        let nspid = proc.readText("/proc/\(child)/status")?.split(separator: "\n")
            .first { $0.hasPrefix("NSpid:") }
            .map { $0.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) } } ?? []
        _ = write(stdinWrite, "\n", 1)
        close(stdinWrite)
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        pump { mine(.exit) }
        // The reap comes after an RCU grace period, when the kernel has it at all.
        if tracer.unavailable[.reap] == nil { pump { mine(.reap) } }
        _ = try? reader.drain()
        outcome.reaped = mine(.reap)

        outcome.nsPIDs = nspid
        let childEvents = events.filter { Int32($0.hostPID) == child && [.fork, .exec, .exit].contains($0.kind) }
        outcome.seen = [EventKind.fork, .exec, .exit].filter { k in childEvents.contains { $0.kind == k } }
        var problems: [String] = []
        for kind in [EventKind.fork, .exec, .exit] where !outcome.seen.contains(kind) {
            problems.append("no \(kind.name) event for the child")
        }
        if nspid.count < 2 { problems.append("cannot read the child's NSpid: line") }
        for e in childEvents where Array(e.nsPIDs) != nspid {
            problems.append("\(e.kind.name) has ns_pids \(e.nsPIDs.map(String.init).joined(separator: "/")), NSpid: says \(nspid.map(String.init).joined(separator: "/"))")
        }
        if let exit = childEvents.first(where: { $0.kind == .exit }), exit.exitStatus != 3 << 8 {
            problems.append("exit has wait status \(exit.exitStatus), expected \(3 << 8) (exit 3)")
        }
        outcome.problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        return outcome
    }

    /// Starts `shell` as PID 1 of a new PID namespace; its host PID and the write
    /// end of its stdin.
    private func spawnInNewPIDNamespace() -> Result<(Int32, Int32), SpawnError> {
        let argv = [shell, "-c", "read line; exit 3"]
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        var stdinWrite: Int32 = -1
        let rc = pt_spawn_in_new_pidns(shell, &cArgs, &pid, &stdinWrite)
        if rc < 0 { return .failure(SpawnError(description: "start \(shell) in a new PID namespace: \(String(cString: strerror(-rc)))")) }
        return .success((pid, stdinWrite))
    }

    struct SpawnError: Error { var description: String }
}
