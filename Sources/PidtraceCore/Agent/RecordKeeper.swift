/// Keeps the records of every live container generation (bounded: `GenerationRecords`)
/// as the NDJSON lines `-o FILE` would write, until the story says the generation
/// ended; then they go into its history entry, so that `pidtrace why` can tell the same
/// story `pidtrace summary` tells of a file.
final class RecordKeeper {
    private struct Key: Hashable {
        var id: String
        var generation: Int
    }

    private struct Kept {
        var records = GenerationRecords()
        var initHostPID: UInt32?
        var lastNs: UInt64 = 0
    }

    private var generations: [Key: Kept] = [:]
    private let encoder: NDJSONEncoder
    private var line = JSONBuffer(capacity: 4096)
    /// A bound on generations kept at once: a story that never ends (its exit lost
    /// with a full ring) must not hold its records for ever.
    static let maxGenerations = 4096

    init(clock: BootClock) { encoder = NDJSONEncoder(clock: clock) }

    var generationCount: Int { generations.count }

    func add(_ record: TraceRecord) {
        switch record {
        case .start, .stop:
            return
        case .lost, .notice:
            // Events may be missing from every generation live now: each entry says so.
            let text = encode(record)
            for key in generations.keys { generations[key]!.records.add(text, isStory: true) }
        case let .containerStart(c):
            keep(record, c.container, isStory: true, initHostPID: c.initHostPID)
        case let .containerExit(c):
            keep(record, c.container, isStory: true)
        case let .runtimeEvent(r):
            // Only to a live generation: the runtime speaks of a run after its end too (`destroy`).
            if generations[Key(id: r.container.id, generation: r.container.generation)] != nil {
                keep(record, r.container, isStory: true)
            }
        case let .snapshot(s):
            keep(record, s.container, isStory: { UInt32(s.process.hostPID) == $0 })
        case let .process(p):
            switch p.detail {
            case .oomKill: keep(record, p.container, isStory: true)
            // A signal record's process is its target.
            default: keep(record, p.container, isStory: { p.event.hostPID == $0 })
            }
        case let .zombie(z):
            keep(record, z.exit.container, isStory: true)
        case let .reap(r):
            keep(record, r.exit.container, isStory: true)
        }
    }

    /// The kept lines of an ended generation, with a `records_not_kept` notice when some
    /// were left out; forgotten here.
    func take(_ generation: TraceReport.Generation) -> [String] {
        guard let c = generation.container, let kept = generations.removeValue(forKey: Key(id: c.id, generation: c.generation))
        else { return [] }
        var (lines, leftOut) = kept.records.lines()
        if leftOut > 0 {
            let message = "\(leftOut) records of this generation were not kept: its history entry keeps PID 1's records, "
                + "signals to it, OOM kills, lifecycle and runtime events (the first \(GenerationRecords.storyHead) and the latest "
                + "\(GenerationRecords.storyTail)) and the latest \(GenerationRecords.othersKept) others"
            lines.append(encode(.notice(NoticeRecord(tsNs: kept.lastNs, notice: Notice(kind: .recordsNotKept, message: message)))))
        }
        return lines
    }

    /// Forgets everything (the trace stopped: live generations have no entry yet).
    func removeAll() { generations.removeAll() }

    private func keep(_ record: TraceRecord, _ container: ContainerAttribution?, isStory: Bool, initHostPID: UInt32? = nil) {
        keep(record, container, isStory: { _ in isStory }, initHostPID: initHostPID)
    }

    private func keep(_ record: TraceRecord, _ container: ContainerAttribution?, isStory: (UInt32) -> Bool,
                      initHostPID: UInt32? = nil) {
        guard let container else { return }
        let key = Key(id: container.id, generation: container.generation)
        if generations[key] == nil, generations.count >= Self.maxGenerations, let stalest = generations.min(by: { $0.value.lastNs < $1.value.lastNs }) {
            generations[stalest.key] = nil
        }
        let line = encode(record)
        // Mutated in place: a copy out and back would copy the kept lines on every record.
        if let initHostPID { generations[key, default: Kept()].initHostPID = initHostPID }
        let story = generations[key]?.initHostPID.map(isStory) ?? true
        generations[key, default: Kept()].records.add(line, isStory: story)
        generations[key]!.lastNs = max(generations[key]!.lastNs, record.tsNs)
    }

    private func encode(_ record: TraceRecord) -> String {
        line.removeAll()
        encoder.encode(record, into: &line)
        var bytes = line.bytes
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
