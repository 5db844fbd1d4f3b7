import Foundation
import Testing
@testable import PidtraceCore

/// `why` is `summary`: the story rebuilt from the records kept with each entry is, line
/// for line, what `pidtrace summary` tells of the same generations from the whole file.
@Suite("why tells what summary tells, from the history")
struct HistoryStoryTests {
    /// Summary's lines for a container: those after its heading, up to the next blank line.
    static func block(_ summary: String, heading: String) -> [Substring] {
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(heading + " (") || $0.hasPrefix(heading + ":") }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }

    @Test(arguments: HistoryFixture.withEndings)
    func everyStoredGenerationTellsWhatSummaryTells(fixture: String) throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        let entries = try HistoryFixture.entries(fixture)
        #expect(!entries.isEmpty)
        for e in entries { try store.commit(e) }
        let summary = try ReportFixture.report(fixture).summaryText()
        let full = try ReportFixture.report(fixture)
        let reader = try HistoryStore.openReadOnly(directory: dir.path)
        for name in Set(entries.compactMap(\.containerName)) {
            let history = try reader.entries(matching: HistoryFilter(container: name)).filter { $0.containerName == name }
            // Each generation alone (`why --generation N`) as the whole file tells it.
            for chosen in history.indices {
                let told = try HistoryStory(of: chosen, in: history, rollUp: false, store: reader).text()
                let e = history[chosen]
                let g = try #require(full.generations.first { $0.container?.id == e.containerID && $0.container?.generation == e.generation })
                #expect(told.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n" == full.storyText([g]),
                        "\(fixture) \(name) generation \(e.generation)")
            }
            // The latest end (`why NAME`): the end of summary's story of the container, a crash loop rolled up.
            let latest = try HistoryStory(of: history.count - 1, in: history, rollUp: true, store: reader)
            let told = latest.text().split(separator: "\n").dropFirst()
            #expect(told.first?.hasPrefix("  generation") == true)
            #expect(Self.contains(Self.block(summary, heading: "container \(ReportFormat.printable(name))"), Array(told)),
                    "\(fixture) \(name):\n\(told.joined(separator: "\n"))")
        }
    }

    @Test func aCrashLoopIsRolledUpAsSummaryDoes() throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        for e in try HistoryFixture.entries("crash-loop") { try store.commit(e) }
        let history = try store.entries(matching: HistoryFilter(container: "loop11"))
        let story = try HistoryStory(of: history.count - 1, in: history, rollUp: true, store: store)
        #expect(story.entries.map(\.generation) == Array(1...8))
        #expect(story.text().hasPrefix("""
            container loop11 (f0fea8bd0ed7): 8 generations in the history
              generations 1–8: a crash loop, 8 generations in 14.2 s, each exit 1 after ~88 ms (53 ms–97 ms)
            """))
        // Asked for by number, a generation is told alone.
        let fifth = try HistoryStory(of: 4, in: history, rollUp: false, store: store)
        #expect(fifth.entries.map(\.generation) == [5])
        #expect(fifth.text().contains("\n  generation 5: PID 1 = host 16749, pidns 4026532180\n"))
        // The latest of a loop cut by another kind of end is told from where it starts again.
        var cut = history
        cut[4].how = "SIGKILL"
        #expect(try HistoryStory(of: 7, in: cut, rollUp: true, store: store).entries.map(\.generation) == [6, 7, 8])
    }

    @Test func aGenerationNotObservedIsToldAsTheRuntimeSaidIt() throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        let e = HistoryEntry.notObserved(containerID: "c0ffee00aa11", name: "web", runtime: "docker", pod: nil, generation: 2,
                                         bootID: "b", exitCode: 1, finishedAt: "2026-12-01T03:12:00Z")
        try store.commit(e)
        let story = try HistoryStory(of: 0, in: try store.entries(), rollUp: true, store: store)
        #expect(story.text() == """
            container web (c0ffee00aa11): 1 generation in the history
              generation 2: not observed
                ended: not observed (no agent was running): the runtime says it exited with code 1 at 2026-12-01T03:12:00Z

            """)
        let json = try JSONSerialization.jsonObject(with: Data(story.json())) as? [String: Any]
        #expect((json?["entries"] as? [[String: Any]])?.first?["observed"] as? Bool == false)
        #expect(json?["story"] == nil)
    }

    @Test func historyJSONHasTheDocumentedFields() throws {
        let entries = try HistoryFixture.entries("init-ignores") + HistoryFixture.entries("cri-shared-pid-ignores")
        let lines = String(decoding: HistoryEntry.ndjson(entries), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == entries.count)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["container_name"] as? String == entries[0].containerName)
        #expect(first["container_generation"] as? Int == 1)
        #expect(first["container_id"] as? String == entries[0].containerID)
        #expect(first["how"] as? String == "SIGKILL")
        #expect(first["cause"] as? String == "runtime")
        #expect(first["sigterm_ignored"] as? Bool == false)
        #expect(first["headline"] as? String == "PID 1 (docker-init) did not exit on SIGTERM from runc; SIGKILL from runc 3.0 s later")
        #expect((first["sender"] as? [String: Any])?["comm"] as? String == "runc")
        #expect((first["findings"] as? [[String: Any]])?.first?["kind"] as? String == entries[0].findings.first?.kind)
        let pod = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(pod["pod"] as? String == "cp1" && pod["namespace"] as? String == "shop" && pod["init_ns_pid"] as? Int == 8)
        #expect(pod["start_seen"] as? Bool == false)
        // Every field named in docs/history.md's table, and no other.
        let doc = try String(contentsOf: ReadmeCLITests.root.appendingPathComponent("docs/history.md"), encoding: .utf8)
        let documented = Set(try ReadmeCLITests.captures(#"(?m)^\| `([a-z_]+)` \|"#, in: doc))
        let written = Set(lines.flatMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]).map { Array($0.keys) } ?? []
        })
        #expect(written.subtracting(documented).sorted() == [], "fields missing from docs/history.md")
    }

    static func contains(_ block: [Substring], _ part: [Substring]) -> Bool {
        guard !part.isEmpty, part.count <= block.count else { return false }
        return (0...(block.count - part.count)).contains { Array(block[$0..<($0 + part.count)]) == part }
    }
}
