/// What the container tracker asks the runtime while it judges a new PID namespace or
/// process, answered by the follower off the ring-buffer reader's thread.
public protocol RuntimeQuestions: AnyObject {
    /// Who is container `id`, and is it followed? Asked once per ID while unanswered;
    /// the answer comes back through `ContainerTracker.settle` (the namespace's events
    /// are held meanwhile).
    func ask(about id: String)
    /// Containers the runtime reported created since the last call, with their names: a
    /// `docker run` is claimed from its `create` event, without asking.
    func takeCreated() -> [CreatedContainer]
    /// PID namespaces that created containers will join, since the last call.
    func takeJoining() -> [UInt32]
    /// Why did the runtime not start this run? Its init (seen from its fork) exited
    /// without exec'ing anything: runc refuses a missing or non-executable entrypoint
    /// before any execve, and the runtime's error is in no event. The answer comes as a
    /// record (`runtime_event` `start_failed`), if the runtime has one.
    func whyNotStarted(_ run: ContainerAttribution, initHostPID: UInt32)
}

extension RuntimeQuestions {
    public func takeCreated() -> [CreatedContainer] { [] }
    public func takeJoining() -> [UInt32] { [] }
    public func whyNotStarted(_ run: ContainerAttribution, initHostPID: UInt32) {}
}

/// A container a runtime reported created (`create` event): followed by its name from
/// its init's fork on, as that runtime's.
public struct CreatedContainer: Sendable {
    public var id: String
    public var name: String
    /// `docker`, `podman`: which API said so (a node may run both).
    public var runtime: String?
}
