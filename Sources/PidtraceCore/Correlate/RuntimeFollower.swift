/// What a trace needs from whatever follows containers: the tracker the Correlator
/// asks, the namespaces to watch from the start, and the runtime's answers.
public protocol RuntimeFollower: AnyObject {
    var tracker: ContainerTracker { get }
    var initialNamespaces: [UInt32] { get }
    func start(tsNs: UInt64, emit: (TraceRecord) -> Void)
    func drainAnswers(tsNs: UInt64, emit: (TraceRecord) -> Void) -> [UInt32]
}

extension ContainerFollower: RuntimeFollower {}
