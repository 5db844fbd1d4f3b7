/// `pidtrace why`: the story of an ended generation, rebuilt from its stored records by
/// the one story builder (`TraceReport.read(lines:)`), so it reads as `summary` told it
/// from the recording; a crash loop (alike generations one after another) is fed whole
/// and rolled up as `summary` does.
public struct HistoryStory {
    /// The entries told, oldest first: the chosen one, after the rest of its crash loop.
    public var entries: [HistoryEntry]
    /// Their records read back; no generation for an entry not observed.
    public var report: TraceReport
    /// All the container's entries in the history.
    public var kept: Int

    /// The story of `history[chosen]`, where `history` is one container's entries (by
    /// name: several container IDs after a `docker rm` and `run`), oldest first.
    /// `rollUp`: when it ends a crash loop, tell the loop (the latest end); else it alone
    /// (a generation asked for by number).
    public init(of chosen: Int, in history: [HistoryEntry], rollUp: Bool, store: HistoryStore) throws(HistoryError) {
        let entry = history[chosen]
        kept = history.count
        var first = chosen
        // Only entries that could be alike are read: their records decide (CrashLoop.alike).
        while rollUp, first > 0, entry.observed, Self.couldBeAlike(history[first - 1], entry) { first -= 1 }
        var told = [entry]
        if chosen - first + 1 >= CrashLoop.minimumRun {
            let candidates = Array(history[first...chosen])
            let report = TraceReport.read(lines: try Self.records(of: candidates, in: store))
            if let run = CrashLoop.runs(report.generations).last, run.count >= CrashLoop.minimumRun {
                let keys = Set(run.compactMap { g in g.container.map { "\($0.id) \($0.generation)" } })
                told = candidates.filter { keys.contains("\($0.containerID) \($0.generation)") }
            }
        }
        entries = told
        report = TraceReport.read(lines: try Self.records(of: told, in: store))
    }

    private static func records(of entries: [HistoryEntry], in store: HistoryStore) throws(HistoryError) -> [String] {
        var lines: [String] = []
        for e in entries { lines += try store.records(of: e) }
        return lines
    }

    private static func couldBeAlike(_ a: HistoryEntry, _ b: HistoryEntry) -> Bool {
        a.observed && a.how == b.how && a.exitCode == b.exitCode && a.execChain == b.execChain
    }

    /// The container's heading, then what `summary` prints for these generations.
    public func text() -> String {
        let entry = entries[entries.count - 1]
        var text = "container " + ReportFormat.containerName(entry.containerID, entry.containerName)
            + (entry.pod.map { ", pod \(ReportFormat.printable($0))" } ?? "")
            + (entry.namespace.map { " in namespace \(ReportFormat.printable($0))" } ?? "")
            + ": \(kept) generation\(kept == 1 ? "" : "s") in the history\n"
        if report.generations.isEmpty {
            return text + "  generation \(entry.generation): not observed\n    ended: \(entry.headline)\n"
        }
        text += report.storyText(report.generations)
        return text
    }

    /// `why --json`: `{"entries": [the entries as history --json writes them],
    /// "story": the summary JSON of their records}`; no `story` for an entry not observed.
    public func json() -> [UInt8] {
        var out = Array(#"{"entries":["#.utf8)
        out += HistoryEntry.ndjson(entries).split(separator: UInt8(ascii: "\n")).joined(separator: [UInt8(ascii: ",")])
        out += Array("]".utf8)
        if !report.generations.isEmpty {
            out += Array(#","story":"#.utf8) + report.summaryJSON().dropLast() // its newline
        }
        return out + Array("}\n".utf8)
    }
}
