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
    /// The agent's `--docker-host`s: every API it follows (none: the defaults,
    /// `AnsweringRuntimes`).
    public var dockerHosts: [String] = []
    /// `--pod` and `--container POD/NAME`: pods of a CRI runtime (containerd, CRI-O).
    public var pods: [PodSelector] = []
    /// The CRI runtimes' state directories (`--runtime-root`).
    public var runtimeRoots: [String] = CRIState.defaultRoots
    /// Every container on the host, from every runtime pidtrace knows (`pidtrace agent`).
    public var followAllContainers = false
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
    /// How long the read loop waits for the ring when the last wait read nothing and
    /// nothing is held: 100 ms (a live table's latency), longer for the agent, whose
    /// cost when idle is mostly these wake-ups. A new namespace's init wakes it at once.
    public var idlePollMs: Int32 = 100
    /// Processes the live story keeps per generation (`StoryTracker`).
    public var storyNodeLimit = StoryTracker.nodeLimit

    public init() {}
}
