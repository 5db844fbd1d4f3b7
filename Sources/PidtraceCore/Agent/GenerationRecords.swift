/// The records a history entry keeps of one container generation, as NDJSON lines,
/// bounded so that a busy container costs the agent a fixed amount of memory:
/// - the story's records (PID 1's own, signals to it, OOM kills, the container's start,
///   exit and runtime events, and `lost`/`notice` records that say something may be
///   missing): the first `storyHead` and the latest `storyTail` of them;
/// - every other record: the latest `othersKept`.
/// What was left out is said by a `records_not_kept` notice among the kept lines.
struct GenerationRecords {
    /// At most 384 lines (~270 KiB) per live generation: 50 containers busy exec'ing took
    /// the agent past 80 MiB with 1,024 (the CRI and Prometheus tests' measurement).
    static let storyHead = 128
    static let storyTail = 128
    static let othersKept = 128

    private var story = HeadTail(head: storyHead, tail: storyTail)
    private var others = HeadTail(head: 0, tail: othersKept)
    private var sequence = 0

    mutating func add(_ line: String, isStory: Bool) {
        sequence += 1
        if isStory { story.add((sequence, line)) } else { others.add((sequence, line)) }
    }

    var count: Int { story.kept.count + others.kept.count }

    /// The kept lines in the order they were recorded, and how many were left out.
    func lines() -> (lines: [String], leftOut: Int) {
        let merged = (story.kept + others.kept).sorted { $0.sequence < $1.sequence }
        return (merged.map(\.line), story.dropped + others.dropped)
    }
}

/// The first `head` items and the latest `tail` ones.
private struct HeadTail {
    typealias Item = (sequence: Int, line: String)
    let head: Int
    let tail: Int
    private var first: [Item] = []
    private var ring: [Item] = []
    private var next = 0
    private(set) var dropped = 0

    init(head: Int, tail: Int) {
        self.head = head
        self.tail = tail
    }

    mutating func add(_ item: Item) {
        if first.count < head { return first.append(item) }
        if ring.count < tail { return ring.append(item) }
        ring[next] = item
        next = (next + 1) % tail
        dropped += 1
    }

    var kept: [Item] { first + Array(ring[next...]) + Array(ring[..<next]) }
}
