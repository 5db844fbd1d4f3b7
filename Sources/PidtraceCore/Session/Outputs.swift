import Glibc

/// Where records go: the NDJSON file, standard output (table or NDJSON) and the
/// story (for the table's END rows and `--summary`), as the options ask. Sink failures
/// are kept for the session to act on (`takeFailures`), once per loop turn.
final class Outputs {
    private let sinks: [RecordSink]
    /// With `--summary`, or a table of containers (its END rows).
    let story: StoryTracker?
    let summary: Bool
    private var failures: [OutputError] = []

    private let observers: [SessionObserver]

    init(options: TraceOptions, clock: BootClock, showContainer: Bool, observers: [SessionObserver] = []) throws(OutputError) {
        var sinks: [RecordSink] = []
        let table = !options.jsonToStdout && !options.quiet
        summary = options.summary
        self.observers = observers
        story = summary || (table && showContainer) || !observers.isEmpty
            ? StoryTracker(clock: clock, lateReapNs: Int(options.zombieAfterSeconds * 1e9), keepEnded: summary,
                           nodeLimit: options.storyNodeLimit) : nil
        for observer in observers { story?.onEnded(observer.ended) }
        if let path = options.outputPath {
            sinks.append(NDJSONSink(output: try OutputFile(path: path, mode: options.outputMode, owner: options.outputOwner),
                                    clock: clock))
        }
        if options.jsonToStdout {
            sinks.append(NDJSONSink(output: .standardOutput(), clock: clock))
        } else if table {
            sinks.append(TableSink(output: .standardOutput(), clock: clock, showContainer: showContainer,
                                   allSignals: options.tracer.allSignals, width: TerminalWidth.columns(of: STDOUT_FILENO),
                                   story: showContainer ? story : nil))
        }
        self.sinks = sinks
    }

    /// Failures since the last call, oldest first.
    func takeFailures() -> [OutputError] {
        defer { failures.removeAll() }
        return failures
    }

    /// The sinks first: a generation the record ends is told after its last row.
    func write(_ record: TraceRecord) {
        for sink in sinks {
            do { try sink.write(record) } catch { failures.append(error) }
        }
        for observer in observers { observer.record(record) }
        story?.add(record)
    }

    func flush() {
        for sink in sinks {
            do { try sink.flush() } catch { failures.append(error) }
        }
    }

    /// Flushes and fsyncs: the end of the trace.
    func sync() {
        for sink in sinks {
            do { try sink.sync() } catch { failures.append(error) }
        }
    }

    /// SIGHUP: log rotation moved the file away; what is buffered goes to the old file,
    /// the rest to a fresh one. Returns false when no output is a file to reopen.
    func reopenFiles() -> Bool {
        let files = sinks.filter(\.canReopen)
        for sink in files {
            do { try sink.reopen() } catch { failures.append(error) }
        }
        return !files.isEmpty
    }
}
