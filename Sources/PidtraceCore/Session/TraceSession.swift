import Glibc

/// One trace from attach to the `stop` record: builds the tracer, the correlator and
/// the outputs from the options, and runs the read loop on the calling thread (a
/// dedicated thread, not a concurrency task). One event's path: the reader decodes
/// it → `handle` → Correlator → `emit` → RecordOrderer → Outputs.
public final class TraceSession {
    private let options: TraceOptions
    private let clock = BootClock()
    private let tracer: BPFTracer
    private let correlator: Correlator
    private let follower: RuntimeFollower?
    private let outputs: Outputs
    private let orderer = RecordOrderer()
    private var losses = LossCounter()
    private var written: UInt64 = 0
    private var failure: TraceError?
    private let observers: [SessionObserver]

    /// `observers`: what an assembly adds (the agent's history and metrics).
    public init(options: TraceOptions, observers: [SessionObserver] = [], proc: ProcReader = ProcReader()) throws(TraceError) {
        self.options = options
        self.observers = observers
        try Self.checkHost(proc: proc)
        // Containers first: an unknown name must fail before any file is created.
        do {
            follower = try options.followPolicy.makeFollower(options, proc: proc)
        } catch { throw .container(error) }
        correlator = Correlator(argvLimits: options.argvLimits, containers: follower?.tracker,
                                kinds: options.tracer.kinds,
                                zombieAfterNs: UInt64(options.zombieAfterSeconds * 1e9))
        var config = options.tracer
        if let follower {
            config.filtered = true
            config.watchNewPIDNamespaces = true
            config.pidNamespaces += follower.initialNamespaces
        }
        do {
            tracer = try BPFTracer(config: config, verbose: options.verbose)
        } catch { throw .bpf(error) }
        follower?.tracker.filter = tracer
        follower?.tracker.keepsNamespacesOutsideContainers = !options.tracer.pidNamespaces.isEmpty
        do {
            outputs = try Outputs(options: options, clock: clock, showContainer: follower != nil, observers: observers)
        } catch { throw .output(error) }
        if let follower { for observer in observers { observer.following(follower.tracker) } }
        // Once, before the trace starts; the `start` record carries the same.
        for (kind, reason) in tracer.unavailable.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            StandardError.line("pidtrace: \(kind.name) events are unavailable on this kernel: \(reason)")
        }
    }

    /// Refuses early, with the fix named, what would otherwise fail deep in libbpf.
    public static func checkHost(proc: ProcReader, btf: String = "/sys/kernel/btf/vmlinux") throws(TraceError) {
        if let caps = Capabilities(proc: proc), !caps.missingForTracing.isEmpty {
            throw .missingCapabilities(caps.missingForTracing)
        }
        if access(btf, R_OK) != 0 { throw .noBTF(path: btf) }
    }

    /// Traces until a signal, `--duration`, or a closed output; returns the totals.
    public func run() throws(TraceError) -> StopInfo {
        let reader: RingBufferReader
        do {
            reader = try tracer.makeReader { [unowned self] in self.handle($0) }
            try tracer.attach()
        } catch { throw .bpf(error) }
        Log.logger.info("attached", metadata: ["ring_bytes": "\(options.tracer.ringBytes)"])
        for observer in observers { observer.attached(tracer) }
        // `start` only once attached, so a script can wait for it.
        outputs.write(.start(startInfo()))
        follower?.start(tsNs: BootClock.nowBootNs(), emit: emit)
        outputs.flush()
        if let follower { tellWhatIsAwaited(follower) }
        if options.pauseConsumerMs > 0 { pauseConsumer(ms: options.pauseConsumerMs) }
        let deadline = options.durationSeconds.map { BootClock.nowBootNs() + UInt64($0 * 1e9) }
        let status = options.liveStatus ? StatusLine(nowNs: BootClock.nowBootNs()) : nil

        var read = 0
        while StopRequest.reason == .none {
            if StopRequest.takeReopenRequest() { reopenOutputs() }
            // Whatever the kernel committed before this is read by the poll.
            let readFrom = BootClock.nowBootNs()
            // Back soon while records wait for their turn or events for the runtime's answer.
            let busy = read > 0 || !orderer.isEmpty || correlator.heldSinceNs != .max
            do { read = try reader.poll(timeoutMs: busy ? 100 : options.idlePollMs) } catch { fail(.bpf(error)) }
            if let follower {
                let settled = follower.drainAnswers(tsNs: BootClock.nowBootNs(), emit: emit)
                if !settled.isEmpty {
                    written += UInt64(correlator.replay(settled, emit: emit))
                    orderer.holdFromNs = correlator.heldSinceNs
                }
            }
            correlator.tick(nowNs: BootClock.nowBootNs(), emit: emit)
            status?.update(nowNs: BootClock.nowBootNs(), events: written, lost: losses.reported,
                           containers: follower.map { ($0.tracker.followedCount, $0.tracker.generationCount) })
            checkLosses(force: false)
            if readFrom > TraceRecord.orderSlackNs {
                orderer.release(upTo: readFrom - TraceRecord.orderSlackNs, outputs.write)
                outputs.story?.tick(nowNs: readFrom - TraceRecord.orderSlackNs)
            }
            for observer in observers {
                observer.tick(nowNs: readFrom)
                for notice in observer.takeNotices() { emit(.notice(NoticeRecord(tsNs: BootClock.nowBootNs(), notice: notice))) }
            }
            outputs.flush()
            noteOutputFailures()
            if let deadline, BootClock.nowBootNs() >= deadline { StopRequest.request(.duration) }
        }

        status?.clear()
        // Stop new events, then hand over everything the kernel already queued.
        tracer.detach()
        do { try reader.drain() } catch { fail(.bpf(error)) }
        checkLosses(force: true)
        orderer.releaseAll(outputs.write)
        outputs.flush()
        noteOutputFailures() // before `stop`, which carries the error
        var stop = StopInfo(tsNs: BootClock.nowBootNs(), events: written, lost: losses.reported,
                            reason: StopRequest.reason.name)
        if case let .output(error)? = failure { stop.error = error.description }
        stop.lostUnknown = losses.unknown
        outputs.write(.stop(stop))
        outputs.sync()
        for observer in observers { observer.stopped() }
        noteOutputFailures()
        if outputs.summary, let story = outputs.story { StandardError.write(story.report().summaryText()) }
        if let failure { throw failure }
        return stop
    }

    private func handle(_ event: consuming ProcessEvent) {
        orderer.ringRead(event.tsNs)
        if correlator.process(event, emit: emit) { written += 1 }
        orderer.holdFromNs = correlator.heldSinceNs
    }

    /// Every record but `start` goes through here, to the outputs in time order.
    private func emit(_ record: TraceRecord) {
        // Snapshots carry argv read from /proc, which the Correlator never sees.
        if options.argvLimits.redact, case var .snapshot(snap) = record {
            snap.process.argv = ArgvRedaction.redact(snap.process.argv)
            return orderer.add(.snapshot(snap), release: outputs.write)
        }
        orderer.add(record, release: outputs.write)
    }

    /// `--wait` for what is not there yet: a warning when it may never come, and on a
    /// terminal what the trace waits for (a script reads the `start` record instead).
    private func tellWhatIsAwaited(_ follower: RuntimeFollower) {
        for warning in follower.warnings { StandardError.line("pidtrace: warning: " + warning) }
        guard !follower.awaited.isEmpty, isatty(STDERR_FILENO) == 1 else { return }
        StandardError.line("pidtrace: waiting for \(follower.awaited.joined(separator: ", ")) to start (Ctrl-C stops)")
    }

    /// Without a file to reopen, SIGHUP stops like SIGTERM (the terminal went away).
    private func reopenOutputs() {
        guard outputs.reopenFiles() else { return StopRequest.request(.signal) }
        Log.logger.info("output reopened (SIGHUP)")
    }

    private func checkLosses(force: Bool) {
        let record = losses.check(nowNs: BootClock.nowBootNs(), force: force) { () throws(BPFError) in
            try tracer.readLostCount()
        }
        if let record { emit(record) }
    }

    /// A stuck consumer (test hook): signals do not end it early (the second SIGINT still exits).
    private func pauseConsumer(ms: Int) {
        var pause = timespec(tv_sec: ms / 1000, tv_nsec: ms % 1000 * 1_000_000)
        var rest = timespec()
        while nanosleep(&pause, &rest) != 0 && errno == EINTR { pause = rest }
    }

    private func noteOutputFailures() {
        for error in outputs.takeFailures() {
            if error == .brokenPipe {
                StopRequest.request(.outputClosed)
            } else {
                fail(.output(error), reason: .writeError)
            }
        }
    }

    private func fail(_ error: TraceError, reason: StopReason = .error) {
        if failure == nil { failure = error }
        StopRequest.request(reason)
    }

    private func startInfo() -> StartInfo {
        let host = HostIdentity.current()
        let t = options.tracer
        return StartInfo(
            tsNs: BootClock.nowBootNs(), version: pidtraceVersion, hostname: host.hostname,
            kernel: host.kernelRelease, bootID: host.bootID, tracerPID: getpid(),
            filters: TraceFilters(pidNamespaces: t.pidNamespaces,
                                  kinds: EventKind.allCases.filter { t.kinds.contains($0) },
                                  threads: t.threads, containers: options.containers + options.pods.map(\.ref)),
            unavailable: tracer.unavailable)
    }
}
