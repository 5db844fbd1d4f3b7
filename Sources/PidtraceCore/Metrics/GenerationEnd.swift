/// What the metrics count of one ended generation: the container's labels, its outcome,
/// and its OOM kills. Plain values, so the history (an agent restarted) and a live
/// generation are counted by the same code.
public struct GenerationEnd: Sendable, Equatable {
    public var labels: ContainerLabels
    public var outcome: TraceReport.Outcome
    /// One per OOM kill in the generation: whether its victim was the container's init.
    public var oomVictimsWerePID1: [Bool]

    public init(labels: ContainerLabels, outcome: TraceReport.Outcome, oomVictimsWerePID1: [Bool]) {
        self.labels = labels
        self.outcome = outcome
        self.oomVictimsWerePID1 = oomVictimsWerePID1
    }

    /// nil for a generation that has not ended, or belongs to no container.
    public init?(_ generation: TraceReport.Generation) {
        guard let container = generation.container, let outcome = generation.outcome else { return nil }
        self.init(labels: ContainerLabels(container), outcome: outcome,
                  oomVictimsWerePID1: generation.oomKills.map { $0.process.hostPID == generation.initHostPID })
    }
}
