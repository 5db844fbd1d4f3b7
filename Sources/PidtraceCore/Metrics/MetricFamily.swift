import Prometheus

/// Every metric family pidtrace exports, with its type and HELP text, in one place:
/// docs/metrics.md lists the same (a test holds them together).
public struct MetricFamily: Sendable, Equatable {
    public var name: String
    /// `counter`, `gauge` or `histogram`, as the `# TYPE` line says.
    public var type: String
    public var labels: [String]
    public var help: String

    var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }

    static let containerLabels = ["container", "pod", "namespace", "runtime"]

    public static let generationEnds = MetricFamily(
        name: "pidtrace_generation_ends_total", type: "counter", labels: containerLabels + ["how", "cause"],
        help: "Ended runs (generations) of a container: how its PID 1 ended (how: exit, or the signal that killed it, "
            + "SIGKILL for an OOM kill) and who caused it (cause: runtime, pidns_teardown, oom_killer, container, host, kernel, unknown).")
    public static let sigtermIgnored = MetricFamily(
        name: "pidtrace_sigterm_ignored_total", type: "counter", labels: containerLabels,
        help: "Ended runs of a container whose PID 1 ignored SIGTERM: it had no handler, and the kernel drops such "
            + "signals for a PID namespace's PID 1, so the stop waited for SIGKILL.")
    public static let stopDuration = MetricFamily(
        name: "pidtrace_stop_duration_seconds", type: "histogram", labels: containerLabels,
        help: "Seconds from the request to stop (SIGTERM, or SIGINT, SIGQUIT, SIGHUP) sent to a container's PID 1 to "
            + "its end, per ended run that got one. Docker kills at 10 s, Kubernetes at 30 s: the le=11 and le=31 "
            + "buckets hold those kills.")
    public static let oomKills = MetricFamily(
        name: "pidtrace_oom_kills_total", type: "counter", labels: containerLabels + ["pid1"],
        help: "Processes of a container killed by the OOM killer: pid1=\"true\" when the victim was its PID 1 "
            + "(the run ended), \"false\" for another of its processes.")
    public static let unreapedZombies = MetricFamily(
        name: "pidtrace_unreaped_zombies", type: "gauge", labels: containerLabels,
        help: "Processes of a container's current run that exited and were not reaped by their parent (zombies); "
            + "0 once the run ended, gone with the container.")
    public static let records = MetricFamily(
        name: "pidtrace_records_total", type: "counter", labels: ["kind"],
        help: "Records the agent made, by kind (the event of docs/record.md: fork, exec, exit, signal, ...).")
    public static let lostEvents = MetricFamily(
        name: "pidtrace_lost_events_total", type: "counter", labels: [],
        help: "Kernel events lost because the ring buffer was full (the agent's reader fell behind).")
    public static let historyFailures = MetricFamily(
        name: "pidtrace_history_write_failures_total", type: "counter", labels: [],
        help: "History entries the agent could not commit when it tried (a full disk, an I/O error); each is tried "
            + "again every 5 s, up to 1024 waiting.")
    public static let containersFollowed = MetricFamily(
        name: "pidtrace_containers_followed", type: "gauge", labels: [],
        help: "Containers the agent follows now.")
    public static let bpfRunSeconds = MetricFamily(
        name: "pidtrace_bpf_run_seconds_total", type: "counter", labels: ["program"],
        help: "Time the kernel spent running each of pidtrace's BPF programs, counted only while "
            + "kernel.bpf_stats_enabled is 1.")
    public static let bpfRuns = MetricFamily(
        name: "pidtrace_bpf_runs_total", type: "counter", labels: ["program"],
        help: "Runs of each of pidtrace's BPF programs, counted only while kernel.bpf_stats_enabled is 1.")
    public static let bpfStatsEnabled = MetricFamily(
        name: "pidtrace_bpf_stats_enabled", type: "gauge", labels: [],
        help: "1 while kernel.bpf_stats_enabled is 1 (the kernel then counts pidtrace_bpf_run_seconds_total and "
            + "pidtrace_bpf_runs_total, at a small cost per run), else 0.")
    public static let watchedNamespaces = MetricFamily(
        name: "pidtrace_watched_pid_namespaces", type: "gauge", labels: [],
        help: "PID namespaces in the kernel side's filter (at most 4096): one per running container, or per pod "
            + "sharing one; an ended one leaves it when its PID 1 is released.")
    public static let residentMemory = MetricFamily(
        name: "pidtrace_resident_memory_bytes", type: "gauge", labels: [],
        help: "The agent's resident memory (RSS), from /proc/self/statm.")

    public static let all: [MetricFamily] = [
        generationEnds, sigtermIgnored, stopDuration, oomKills, unreapedZombies,
        records, lostEvents, historyFailures, containersFollowed, bpfRunSeconds, bpfRuns, bpfStatsEnabled, residentMemory,
        watchedNamespaces,
    ]

    /// Around Docker's stop timeout (10 s) and Kubernetes' grace period (30 s): a SIGKILL
    /// at their end lands a few ms past them, in the 11 and 31 buckets. Few, as each is
    /// a series per container.
    static let stopBuckets: [Double] = [0.1, 0.5, 1, 2.5, 5, 10, 11, 30, 31, 60, 120]
}
