import Glibc
import Synchronization

/// Why a trace ends. Set from a signal handler, read by the reader loop.
public enum StopReason: Int, Sendable {
    case none = 0, signal, duration, outputClosed, error, writeError

    public var name: String {
        switch self {
        case .none: "running"
        case .signal: "signal"
        case .duration: "duration"
        case .outputClosed: "output_closed"
        case .error: "error"
        case .writeError: "write_error"
        }
    }
}

private let requested = Atomic<Int>(0)
private let interrupts = Atomic<Int>(0)
private let reopenRequested = Atomic<Bool>(false)

/// SIGINT/SIGTERM ask the trace to stop (drain, flush, fsync); a second SIGINT
/// exits at once. The handler only touches lock-free atomics and _exit, which are
/// async-signal-safe. SIGPIPE is ignored so a closed reader shows up as EPIPE.
/// SIGHUP asks for the output file to be reopened (log rotation).
public enum StopRequest {
    public static func installSignalHandlers() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            if sig == SIGHUP {
                reopenRequested.store(true, ordering: .releasing)
                return
            }
            if sig == SIGINT && interrupts.add(1, ordering: .relaxed).newValue > 1 {
                _exit(CommandExit.interrupted.rawValue)
            }
            requested.store(StopReason.signal.rawValue, ordering: .releasing)
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: a blocked epoll_wait returns EINTR at once
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGHUP, &action, nil)
        signal(SIGPIPE, SIG_IGN)
        // A parent may have started us with these blocked (launchers often do).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    public static var reason: StopReason {
        StopReason(rawValue: requested.load(ordering: .acquiring)) ?? .none
    }

    /// Whether a SIGHUP came since the last call (the reader loop asks once per turn).
    public static func takeReopenRequest() -> Bool {
        reopenRequested.exchange(false, ordering: .acquiringAndReleasing)
    }

    public static func request(_ reason: StopReason) {
        _ = requested.compareExchange(expected: StopReason.none.rawValue, desired: reason.rawValue,
                                      ordering: .acquiringAndReleasing)
    }
}
