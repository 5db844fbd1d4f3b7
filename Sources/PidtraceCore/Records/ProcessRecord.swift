/// A process event with what user space adds to it. A class: made once per event and
/// then only passed along (record enum, sinks, zombie table), each time by reference
/// rather than as a copy of several hundred bytes.
public final class ProcessRecord: Sendable {
    /// What each kind adds. Only kinds a process record can have: a released zombie
    /// is a `ReapRecord`.
    public enum Detail: Sendable {
        case fork
        /// The argv as recorded (limits and redaction applied).
        case exec(Argv)
        case exit
        /// The sender's container, when it is in a followed one.
        case signal(senderContainer: ContainerAttribution?)
        case oomKill
        /// The argv it passed (limits and redaction applied); the error is in `event.execFailure`.
        case execFailed(Argv)
    }

    public let event: ProcessEvent
    public let detail: Detail
    public let container: ContainerAttribution?

    /// `argv`: an exec's or failed exec's, else ignored; without it, the whole area with default limits.
    /// `senderContainer`: a signal's.
    public init(event: ProcessEvent, argv: Argv? = nil, container: ContainerAttribution? = nil,
                senderContainer: ContainerAttribution? = nil) {
        switch event.kind {
        case .fork: detail = .fork
        case .exec: detail = .exec(argv ?? Argv(area: event.argsArea, areaTruncated: event.argsAreaTruncated))
        case .exit: detail = .exit
        case .signal: detail = .signal(senderContainer: senderContainer)
        case .oomKill: detail = .oomKill
        case .execFailed:
            detail = .execFailed(argv ?? Argv(area: event.argsArea, areaTruncated: event.argsAreaTruncated))
        case .reap: preconditionFailure("a reap is a ReapRecord, not a process record")
        }
        self.event = event
        self.container = container
    }

    /// exec and exec_failed only.
    public var argv: Argv? {
        switch detail {
        case let .exec(argv), let .execFailed(argv): argv
        default: nil
        }
    }
}
