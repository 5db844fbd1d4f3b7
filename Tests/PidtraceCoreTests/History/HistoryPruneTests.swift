import Foundation
import Testing
@testable import PidtraceCore

@Suite("History retention: by age, and under a size cap that the files never pass")
struct HistoryPruneTests {
    @Test func entriesOlderThanTheRetentionGoFirst() throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        let template = try #require(try HistoryFixture.entries("init-ignores").first)
        for n in 1...10 { try store.commit(HistoryFixture.numbered(n, of: template)) } // ended at second n
        let now = HistoryFixture.numbered(10, of: template).endUnixNs + 1_000_000_000
        let result = try store.prune(retain: .seconds(5), maxBytes: 256 << 20, nowUnixNs: now)
        #expect(result.expired == 5 && result.evicted == 0 && result.checkpointed)
        #expect(try store.entries().map(\.generation) == [6, 7, 8, 9, 10])
        #expect(try HistoryTools.sqlite3(store.databasePath, "SELECT count(*) FROM records") == "5") // with their records
        // Nothing more to do: nothing deleted.
        #expect(try store.prune(retain: .seconds(5), maxBytes: 256 << 20, nowUnixNs: now).expired == 0)
        #expect(try store.prune(retain: .seconds(Int64.max), maxBytes: 256 << 20, nowUnixNs: now).expired == 0)
    }

    /// 256 KiB, the entries of several fixtures over and over: the directory (database,
    /// WAL, shared memory, lock) stays under the cap after every commit, the oldest go.
    @Test func theDirectoryNeverPassesTheCap() throws {
        let dir = TemporaryDirectory()
        let cap = 256 << 10
        let store = try HistoryStore.open(directory: dir.path)
        let templates = try ["nginx-noexec-stop", "init-ignores", "zombies", "podman-shared-pid"].flatMap { try HistoryFixture.entries($0) }
        var largest = 0
        var evicted = 0
        for n in 1...400 {
            try store.commit(HistoryFixture.numbered(n, of: templates[n % templates.count]))
            largest = max(largest, store.directoryBytes())
            let result = try store.prune(retain: .seconds(86_400 * 365 * 100), maxBytes: cap,
                                         nowUnixNs: HistoryFixture.numbered(n, of: templates[0]).endUnixNs)
            evicted += result.evicted
            largest = max(largest, result.bytesAfter)
        }
        #expect(largest <= cap, "the directory reached \(largest) bytes, over the \(cap) cap")
        #expect(evicted > 100, "the cap was never reached: the test proves nothing")
        let kept = try store.entries().map(\.generation)
        #expect(kept == Array((400 - kept.count + 1)...400), "not the newest kept: \(kept.prefix(5))…")
        #expect(try HistoryTools.sqlite3(store.databasePath, "PRAGMA integrity_check") == "ok")
        #expect(try HistoryTools.sqlite3(store.databasePath, "SELECT count(*) FROM records") == "\(kept.count)")
    }

    @Test func pruningTruncatesTheWALAndShrinksTheFile() throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        let template = try #require(try HistoryFixture.entries("nginx-noexec-stop").first)
        for n in 1...200 { try store.commit(HistoryFixture.numbered(n, of: template)) }
        let before = store.directoryBytes()
        let result = try store.prune(retain: .seconds(1), maxBytes: 256 << 20,
                                     nowUnixNs: HistoryFixture.numbered(150, of: template).endUnixNs)
        #expect(result.expired == 148 && result.checkpointed)
        #expect(result.bytesBefore == before)
        #expect(result.bytesAfter < before / 3, "\(before) → \(result.bytesAfter)")
        var st = stat()
        #expect(stat(store.databasePath + "-wal", &st) == 0 && st.st_size == 0)
    }
}
