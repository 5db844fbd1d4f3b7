import Glibc

/// Everything one trace run needs, already validated by the command line.
public struct TraceOptions: Sendable {
    public var tracer = TracerConfig()
    /// NDJSON file, if any.
    public var outputPath: String?
    public var outputMode: OutputFile.Mode = .createNew
    /// NDJSON on standard output instead of the table.
    public var jsonToStdout = false
    /// No table on the terminal.
    public var quiet = false
    public var durationSeconds: Double?
    public var argvLimits = Correlator.ArgvLimits()
    public var verbose = false
    /// Test hook: sleep this long after attaching before reading (fills the ring).
    public var pauseConsumerMs: Int = 0
    /// `--container` references (names, IDs, ID prefixes).
    public var containers: [String] = []
    public var dockerHost: String?
    /// `--pod` and `--container POD/NAME`: pods of a CRI runtime (containerd, CRI-O).
    public var pods: [PodSelector] = []
    /// The CRI runtimes' state directories (`--runtime-root`).
    public var runtimeRoots: [String] = CRIState.defaultRoots
    /// Follow containers that are not running yet from their next start.
    public var waitForContainers = false
    /// An exited process not reaped for this long gets a `zombie` record.
    public var zombieAfterSeconds: Double = 5
    /// Print the `pidtrace summary` report on stderr at the end.
    public var summary = false
    /// An updating status line on stderr (the CLI turns it on when stderr is a
    /// terminal and no table is shown).
    public var liveStatus = false
    /// Owner given to the output file when pidtrace creates it (sudo's invoking user).
    public var outputOwner: FileOwner?

    public init() {}
}

/// One trace from attach to the `stop` record: owns the tracer, the ring-buffer
/// reader, the correlator and the sinks, and runs the read loop on the calling
/// thread (a dedicated thread, not a concurrency task).
public final class TraceSession {
    private let options: TraceOptions
    private let clock = BootClock()
    private let tracer: BPFTracer
    private var reader: RingBufferReader!
    private let correlator: Correlator
    private let follower: RuntimeFollower?
    private let sinks: [RecordSink]
    private let summarySink: SummarySink?
    private var written: UInt64 = 0
    private var lostReported: UInt64 = 0
    /// The kernel's loss counter could not be read at some point: the totals are a floor.
    private var lostUnknown = false
    private var lastLostCheckNs: UInt64 = 0
    private var failure: TraceError?
    private let orderer = RecordOrderer()
    private let box = TracerBox()

    public init(options: TraceOptions, proc: ProcReader = ProcReader()) throws(TraceError) {
        self.options = options
        try Self.checkHost(proc: proc)
        // Containers first: an unknown name must fail before any file is created.
        let tracerBox = box
        let watch: (UInt32) -> Void = { inode in
            do {
                try tracerBox.tracer?.watch(pidNamespace: inode)
            } catch {
                // The container's events would be dropped in the kernel: say so in the file too.
                Log.logger.error("\(error): this container generation's events are not recorded")
                tracerBox.notices.append(Notice(kind: .filterFull, message:
                    "\(error): the events of PID namespace \(inode) are not recorded"))
            }
        }
        let unwatch: (UInt32) -> Void = { tracerBox.tracer?.unwatch(pidNamespace: $0) }
        do {
            if !options.pods.isEmpty {
                follower = try PodFollower(selectors: options.pods, state: CRIState(roots: options.runtimeRoots),
                                           waitForStart: options.waitForContainers, proc: proc,
                                           watch: watch, unwatch: unwatch)
            } else if !options.containers.isEmpty {
                follower = try ContainerFollower(
                    refs: options.containers, dockerHost: options.dockerHost,
                    waitForStart: options.waitForContainers, proc: proc, watch: watch, unwatch: unwatch)
            } else {
                follower = nil
            }
        } catch { throw .container(error) }
        var sinks: [RecordSink] = []
        if let path = options.outputPath {
            do {
                sinks.append(NDJSONSink(output: try OutputFile(path: path, mode: options.outputMode, owner: options.outputOwner), clock: clock))
            } catch { throw .output(error) }
        }
        if options.jsonToStdout {
            sinks.append(NDJSONSink(output: .standardOutput(), clock: clock))
        } else if !options.quiet {
            sinks.append(TableSink(output: .standardOutput(), clock: clock, showContainer: follower != nil,
                                   allSignals: options.tracer.allSignals, width: TerminalWidth.columns(of: STDOUT_FILENO)))
        }
        summarySink = options.summary
            ? SummarySink(clock: clock, lateReapNs: Int(options.zombieAfterSeconds * 1e9)) : nil
        if let summarySink { sinks.append(summarySink) }
        self.sinks = sinks
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
        tracerBox.tracer = tracer
        // Once, before the trace starts; the `start` record carries the same.
        for (kind, reason) in tracer.unavailable.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            warnText("pidtrace: \(kind.name) events are unavailable on this kernel: \(reason)\n")
        }
        do {
            reader = try RingBufferReader(mapFD: tracer.ringBufferFD) { [unowned self] record in
                self.handle(record)
            }
        } catch { throw .bpf(error) }
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
        do { try tracer.attach() } catch { throw .bpf(error) }
        Log.logger.info("attached", metadata: ["ring_bytes": "\(options.tracer.ringBytes)"])
        // `start` only once attached, so a script can wait for it.
        write(.start(startInfo()))
        follower?.start(tsNs: BootClock.nowBootNs(), emit: emit)
        flushSinks()
        if options.pauseConsumerMs > 0 {
            // A stuck consumer: signals do not end it early (the second SIGINT still exits).
            var pause = timespec(tv_sec: options.pauseConsumerMs / 1000, tv_nsec: options.pauseConsumerMs % 1000 * 1_000_000)
            var rest = timespec()
            while nanosleep(&pause, &rest) != 0 && errno == EINTR { pause = rest }
        }
        let deadline = options.durationSeconds.map { BootClock.nowBootNs() + UInt64($0 * 1e9) }
        let status = options.liveStatus ? StatusLine(nowNs: BootClock.nowBootNs()) : nil

        while StopRequest.reason == .none {
            if StopRequest.takeReopenRequest() { reopenOutputs() }
            // Whatever the kernel committed before this is read by the poll.
            let readFrom = BootClock.nowBootNs()
            do { try reader.poll(timeoutMs: 100) } catch { fail(.bpf(error)) }
            if let follower {
                let settled = follower.drainAnswers(tsNs: BootClock.nowBootNs(), emit: emit)
                if !settled.isEmpty {
                    written += UInt64(correlator.replay(settled, emit: emit))
                    orderer.holdFromNs = correlator.heldSinceNs
                }
            }
            for notice in box.notices { emit(.notice(NoticeRecord(tsNs: BootClock.nowBootNs(), notice: notice))) }
            box.notices.removeAll()
            correlator.tick(nowNs: BootClock.nowBootNs(), emit: emit)
            status?.update(nowNs: BootClock.nowBootNs(), events: written, lost: lostReported,
                           containers: follower?.tracker)
            reportLost(force: false)
            if readFrom > RecordOrderer.slackNs { orderer.release(upTo: readFrom - RecordOrderer.slackNs, write) }
            flushSinks()
            if let deadline, BootClock.nowBootNs() >= deadline { StopRequest.request(.duration) }
        }

        status?.clear()
        // Stop new events, then hand over everything the kernel already queued.
        tracer.detach()
        do { try reader.drain() } catch { fail(.bpf(error)) }
        reportLost(force: true)
        orderer.releaseAll(write)
        var stop = StopInfo(tsNs: BootClock.nowBootNs(), events: written, lost: lostReported,
                            reason: StopRequest.reason.name)
        if case let .output(error)? = failure { stop.error = error.description }
        stop.lostUnknown = lostUnknown
        write(.stop(stop))
        for sink in sinks {
            do { try sink.sync() } catch { noteOutputFailure(error) }
        }
        if let summarySink { warnText(summarySink.report().summaryText()) }
        if let failure { throw failure }
        return stop
    }

    private func handle(_ raw: UnsafeRawBufferPointer) {
        let event: ProcessEvent
        do { event = try ProcessEvent(record: raw) } catch {
            Log.logger.warning("skipping a malformed event: \(error)")
            return
        }
        orderer.ringRead(event.tsNs)
        if correlator.process(event, emit: emit) { written += 1 }
        orderer.holdFromNs = correlator.heldSinceNs
    }

    /// Every record but `start` goes through here, to the sinks in time order.
    private func emit(_ record: TraceRecord) {
        // Snapshots carry argv read from /proc, which the Correlator never sees.
        if options.argvLimits.redact, case var .snapshot(snap) = record {
            snap.process.argv = ArgvRedaction.redact(snap.process.argv)
            return orderer.add(.snapshot(snap), release: write)
        }
        orderer.add(record, release: write)
    }

    private func write(_ record: TraceRecord) {
        for sink in sinks {
            do { try sink.write(record) } catch { noteOutputFailure(error) }
        }
    }

    private func flushSinks() {
        for sink in sinks {
            do { try sink.flush() } catch { noteOutputFailure(error) }
        }
    }

    /// SIGHUP: log rotation moved the file away; what is buffered goes to the old file,
    /// the rest to a fresh one. Without a file to reopen, SIGHUP stops like SIGTERM
    /// (the terminal went away).
    private func reopenOutputs() {
        let files = sinks.filter(\.canReopen)
        guard !files.isEmpty else { return StopRequest.request(.signal) }
        for sink in files {
            do { try sink.reopen() } catch { noteOutputFailure(error) }
        }
        Log.logger.info("output reopened (SIGHUP)")
    }

    private func reportLost(force: Bool) {
        let now = BootClock.nowBootNs()
        guard force || now - lastLostCheckNs >= 100_000_000 else { return }
        lastLostCheckNs = now
        let total: UInt64
        do {
            total = try tracer.readLostCount()
        } catch {
            // The `stop` record must not claim an exact count it could not read.
            if !lostUnknown {
                Log.logger.error("\(error): lost events can no longer be counted")
                emit(.notice(NoticeRecord(tsNs: now, notice: Notice(kind: .lostUnknown, message:
                    "\(error): from here on, events the kernel could not hand over are not counted"))))
            }
            lostUnknown = true
            return
        }
        guard total > lostReported else { return }
        emit(.lost(LostInfo(tsNs: now, count: total - lostReported)))
        Log.logger.notice("the kernel could not hand over \(total - lostReported) events (ring full)")
        lostReported = total
    }

    private func noteOutputFailure(_ error: OutputError) {
        if error == .brokenPipe {
            StopRequest.request(.outputClosed)
        } else {
            fail(.output(error), reason: .writeError)
        }
    }

    private func fail(_ error: TraceError, reason: StopReason = .error) {
        if failure == nil { failure = error }
        StopRequest.request(reason)
    }

    private func startInfo() -> StartInfo {
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let node = withUnsafeBytes(of: uts.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let bootID = ProcReader().readText("/proc/sys/kernel/random/boot_id")?
            .split(separator: "\n").first.map(String.init) ?? ""
        let t = options.tracer
        return StartInfo(
            tsNs: BootClock.nowBootNs(), version: pidtraceVersion, hostname: node, kernel: release,
            bootID: bootID, tracerPID: getpid(),
            filters: TraceFilters(pidNamespaces: t.pidNamespaces,
                                  kinds: EventKind.allCases.filter { t.kinds.contains($0) },
                                  threads: t.threads, containers: options.containers + options.pods.map(\.ref)),
            unavailable: tracer.unavailable)
    }
}

/// Lets the container tracker's watch callbacks reach the tracer, which is created
/// after them (the tracker must exist to size the filter before load).
private final class TracerBox {
    var tracer: BPFTracer?
    /// Failures to say in the stream, from the callbacks (reader thread).
    var notices: [Notice] = []
}

public let pidtraceVersion = "0.1.0"

/// Text to standard error, straight to the descriptor.
func warnText(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
