/// A zombie released: the process as it exited, who reaped it, and how long it waited.
public struct ReapRecord: Sendable {
    public var tsNs: UInt64
    public var exit: ProcessRecord
    public var reaper: Peer
    /// The reaper's PID in the zombie's namespace, when it lives there.
    public var reaperNSPID: UInt32?
    public var zombieNs: UInt64
    /// Reaped by the namespace's PID 1 although another process forked it (an orphan).
    public var reparentedToNamespaceInit: Bool
}

/// A process still unreaped `--zombie-after` seconds after its exit.
public struct ZombieRecord: Sendable {
    public var tsNs: UInt64
    public var exit: ProcessRecord
    public var zombieNs: UInt64
}
