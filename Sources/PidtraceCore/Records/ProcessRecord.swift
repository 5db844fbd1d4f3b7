/// A process event with what user space adds to it. A class: made once per event and
/// then only passed along (record enum, sinks, zombie table), each time by reference
/// rather than as a copy of several hundred bytes.
public final class ProcessRecord: Sendable {
    public let event: ProcessEvent
    /// exec only.
    public let argv: Argv?
    public let container: ContainerAttribution?
    /// signal only: the sender's container, when it is in a followed one.
    public let senderContainer: ContainerAttribution?

    public init(event: ProcessEvent, argv: Argv? = nil, container: ContainerAttribution? = nil,
                senderContainer: ContainerAttribution? = nil) {
        self.event = event
        self.argv = argv
        self.container = container
        self.senderContainer = senderContainer
    }
}
