/// Hands records to the sinks in `ts_ns` order.
///
/// Two sources disagree otherwise: the ring buffer keeps the order in which BPF
/// programs reserved space, and each took its time a few microseconds earlier, so
/// records of two CPUs can cross; and records user space makes (a `snapshot`, a
/// `zombie`, a `lost` count) carry the time they are made while older kernel records
/// may still wait in the ring. A record is held until no earlier one can still come:
/// until the ring has been read past its time plus `TraceRecord.orderSlackNs`.
///
/// Released every `releaseEvery` records, while they are still in the CPU's cache: a
/// record held until the poll of the ring ends (up to 100 ms of records) has left it
/// by the time it is encoded and freed, and then costs twice as much. Not one at a
/// time either: decoding and encoding each in a loop of their own, over a run of
/// records, is what keeps a drain fast.
final class RecordOrderer {
    /// While events are held for the runtime's answer, up to this many records wait;
    /// past that, order yields to memory.
    static let holdAtMost = 65_536
    static let releaseEvery = 256

    /// Sorted by time from `head` on; the slots before `head` were released.
    private var held: [TraceRecord] = []
    private var head = 0
    private var addedSinceRelease = 0
    /// The newest time among kernel records added: the ring has been read up to here.
    private var ringNs: UInt64 = 0
    /// Nothing at or after this time is released: older records are still to come
    /// (events held while the container runtime is asked about their namespace).
    var holdFromNs: UInt64 = .max
    /// Fills a released slot until the array is compacted.
    private let released = TraceRecord.lost(LostInfo(tsNs: 0, count: 0))

    init() { held.reserveCapacity(Self.releaseEvery * 32) }

    var isEmpty: Bool { held.count == head }

    /// A kernel event with this time was read from the ring.
    @inline(__always)
    func ringRead(_ tsNs: UInt64) {
        if tsNs > ringNs { ringNs = tsNs }
    }

    @inline(__always)
    func add(_ record: TraceRecord, release emit: (TraceRecord) -> Void) {
        let ts = record.tsNs
        if held.count == head || held[held.count - 1].tsNs <= ts {
            held.append(record)
        } else {
            // Rare: a few slots back at most.
            var i = held.count - 1
            while i > head && held[i - 1].tsNs > ts { i -= 1 }
            held.insert(record, at: i)
        }
        addedSinceRelease &+= 1
        if addedSinceRelease >= Self.releaseEvery, ringNs > TraceRecord.orderSlackNs {
            release(upTo: ringNs - TraceRecord.orderSlackNs, emit)
        }
    }

    /// Releases what is older than `watermarkNs` (everything the ring held before
    /// then has been read).
    func release(upTo watermarkNs: UInt64, _ emit: (TraceRecord) -> Void) {
        addedSinceRelease = 0
        let holding = holdFromNs != .max && held.count - head <= Self.holdAtMost
        let limit = holding ? min(watermarkNs, holdFromNs - 1) : watermarkNs
        while head < held.count && held[head].tsNs <= limit {
            // Its slot lets go of it now, so it is freed right after its last use.
            let record = held[head]
            held[head] = released
            head += 1
            emit(record)
        }
        compact()
    }

    /// At the end of a trace, once the ring is drained (and nothing is held any more).
    func releaseAll(_ emit: (TraceRecord) -> Void) {
        holdFromNs = .max
        release(upTo: .max, emit)
    }

    private func compact() {
        if head == held.count {
            held.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > held.count {
            held.removeFirst(head)
            head = 0
        }
    }
}
