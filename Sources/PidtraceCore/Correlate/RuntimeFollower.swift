/// What a trace needs from whatever follows containers: the tracker the Correlator
/// asks, the namespaces to watch from the start, and the runtime's answers.
public protocol RuntimeFollower: AnyObject {
    var tracker: ContainerTracker { get }
    var initialNamespaces: [UInt32] { get }
    func start(tsNs: UInt64, emit: (TraceRecord) -> Void)
    func drainAnswers(tsNs: UInt64, emit: (TraceRecord) -> Void) -> [UInt32]
    /// With --wait: what nothing on the host matches yet ("container web", "pod shop/api").
    var awaited: [String] { get }
    /// Said once at start: why what is awaited may never come.
    var warnings: [String] { get }
}

