import Foundation
import Glibc
import Synchronization

/// The runtime's `/events` stream, kept open for the whole trace. When the daemon goes
/// away (restarted, crashed) it subscribes again with backoff, from the time of the
/// last event it saw, so the daemon replays what happened in the gap; and it reports
/// the gap once per outage, since a daemon that was down for long may not replay all.
final class EventSubscription: Sendable {
    /// Backoff between attempts: 0.25 s doubling to 8 s.
    static let firstDelayNs: UInt64 = 250_000_000
    static let maxDelayNs: UInt64 = 8_000_000_000

    private struct State {
        var stream: DockerEventStream?
        var stopped = false
        /// Epoch seconds of the last event seen (or of the subscription): where to resume.
        var resumeEpoch: Int64
        var delayNs: UInt64 = EventSubscription.firstDelayNs
        var inOutage = false
    }

    private let api: DockerAPI
    private let onEvent: @Sendable (DockerEvent) -> Void
    private let onGap: @Sendable (Notice) -> Void
    private let state: Mutex<State>

    init(api: DockerAPI, onEvent: @escaping @Sendable (DockerEvent) -> Void,
         onGap: @escaping @Sendable (Notice) -> Void) {
        self.api = api
        self.onEvent = onEvent
        self.onGap = onGap
        state = Mutex(State(resumeEpoch: Int64(time(nil))))
        subscribe(since: nil)
    }

    func stop() {
        let stream = state.withLock { s -> DockerEventStream? in
            s.stopped = true
            return s.stream
        }
        stream?.stop(wait: false)
    }

    private func subscribe(since: Int64?) {
        let stream = api.events(since: since, onEvent: { [weak self] event in
            guard let self else { return }
            self.state.withLock { s in
                s.resumeEpoch = max(s.resumeEpoch, event.timeNs / 1_000_000_000)
                s.delayNs = Self.firstDelayNs
                s.inOutage = false
            }
            self.onEvent(event)
        }, onEnd: { [weak self] error in
            if let error { self?.ended(error) }
        })
        let stopNow = state.withLock { s in
            s.stream = stream
            return s.stopped
        }
        if stopNow { stream.stop(wait: false) }
    }

    /// The stream broke: say so once per outage, then try again after the backoff.
    private func ended(_ error: ContainerError) {
        let (stopped, first, delay, since) = state.withLock { s in
            defer {
                s.inOutage = true
                s.delayNs = min(s.delayNs * 2, Self.maxDelayNs)
            }
            return (s.stopped, !s.inOutage, s.delayNs, s.resumeEpoch)
        }
        guard !stopped else { return }
        if first {
            Log.logger.warning("container events stream lost (\(error)); reconnecting, and asking for the events since then")
            onGap(Notice(kind: .runtimeEventsGap,
                         message: "the container runtime's event stream was lost (\(error)); pidtrace reconnects and asks "
                             + "for the events it missed, and restarts are still seen by the kernel side"))
        }
        let thread = Thread { [weak self] in
            var pause = timespec(tv_sec: Int(delay / 1_000_000_000), tv_nsec: Int(delay % 1_000_000_000))
            var rest = timespec()
            while nanosleep(&pause, &rest) != 0 && errno == EINTR { pause = rest }
            guard let self, !self.state.withLock({ $0.stopped }) else { return }
            self.subscribe(since: since)
        }
        thread.start()
    }
}

/// Something the reader of a trace should know that is not a process event.
public struct Notice: Sendable, Equatable {
    public enum Kind: Sendable {
        /// The runtime's event stream broke; events may have been missed until it was back.
        case runtimeEventsGap
        /// A runtime call failed: a container could not be looked up or inspected.
        case runtimeError
        /// The kernel-side namespace filter could not take a namespace.
        case filterFull
        /// The kernel's loss counter could not be read: losses are no longer counted.
        case lostUnknown
        /// A history entry (`pidtrace agent`) keeps a bounded part of its generation's records.
        case recordsNotKept
        /// The agent could not commit a history entry (it tries again), or dropped one.
        case historyNotWritten

        public var name: StaticString {
            switch self {
            case .runtimeEventsGap: "runtime_events_gap"
            case .runtimeError: "runtime_error"
            case .filterFull: "filter_full"
            case .lostUnknown: "lost_unknown"
            case .recordsNotKept: "records_not_kept"
            case .historyNotWritten: "history_not_written"
            }
        }
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
}
