import Foundation
import Glibc
import Testing
@testable import PidtraceCore

@Suite("History store: commit once, continue numbering, schema versions")
struct HistoryStoreTests {
    @Test func anEntryReadsBackAsCommittedWithItsRecords() throws {
        let dir = TemporaryDirectory()
        let entries = try HistoryFixture.entries("restarts")
        #expect(entries.count == 3)
        let store = try HistoryStore.open(directory: dir.path)
        for e in entries { #expect(try store.commit(e)) }
        let back = try store.entries()
        #expect(back.count == 3)
        for (stored, original) in zip(back, entries) {
            var expected = original
            expected.records = []
            expected.storeID = stored.storeID
            #expect(stored == expected)
            #expect(try store.records(of: stored) == original.records)
            #expect(!original.records.isEmpty)
        }
    }

    @Test func aGenerationIsNeverWrittenTwice() throws {
        let dir = TemporaryDirectory()
        let entry = try #require(try HistoryFixture.entries("init-ignores").first)
        let first = try HistoryStore.open(directory: dir.path)
        #expect(try first.commit(entry))
        first.close() // its lock too: nothing is left to chance of when the store is freed
        // A restarted agent sees the same generation end again: same boot, container, pidns, init.
        let again = try HistoryStore.open(directory: dir.path)
        var renumbered = entry
        renumbered.generation = 7 // numbering does not make it another generation
        #expect(try again.commit(renumbered) == false)
        #expect(try again.entries().count == 1)
        // Another boot, or another init in the same namespace inode, is another generation.
        var otherBoot = entry
        otherBoot.bootID = "boot-b"
        var otherInit = entry
        otherInit.initHostPID += 1
        #expect(try again.commit(otherBoot))
        #expect(try again.commit(otherInit))
        #expect(try again.entries().count == 3)
        #expect(try HistoryTools.sqlite3(again.databasePath, "SELECT count(*) FROM records") == "3")
    }

    @Test func anEntryNotObservedIsKeptOncePerFinishTime() throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        let pod = PodMeta(name: "web", namespace: "shop", uid: "u-1", isSandbox: false)
        let e = HistoryEntry.notObserved(containerID: "c0ffee", name: "app", runtime: "containerd", pod: pod, generation: 4,
                                         bootID: "boot-a", exitCode: 137, finishedAt: "2026-12-01T03:12:00.5Z")
        #expect(try store.commit(e))
        #expect(try store.commit(e) == false)
        var later = e
        later.runtimeFinishedAt = "2026-12-01T03:20:00Z"
        #expect(try store.commit(later))
        let back = try #require(try store.entries().first)
        #expect(!back.observed && back.how == "unknown" && back.exitCode == 137 && back.cause == .unknown)
        #expect(back.headline == "not observed (no agent was running): the runtime says it exited with code 137 "
            + "(128 + 9: how a shell or an init reports a child killed by SIGKILL) at 2026-12-01T03:12:00.5Z")
        #expect(back.endUnixNs == 1_796_094_720_500_000_000)
        #expect(try store.records(of: back) == [])
    }

    /// WAL: a reader in the middle of a read (a snapshot held) neither blocks the
    /// writer's commits nor its prune, and sees the new entries on its next read.
    @Test func aReaderNeverBlocksTheWriter() throws {
        let dir = TemporaryDirectory()
        let writer = try HistoryStore.open(directory: dir.path)
        let template = try #require(try HistoryFixture.entries("init-ignores").first)
        for n in 1...3 { try writer.commit(HistoryFixture.numbered(n, of: template)) }
        let reader = try HistoryStore.openReadOnly(directory: dir.path)
        let reading = try reader.db.statement("SELECT generation FROM entries ORDER BY id")
        #expect(try reading.step()) // a read transaction is open on the first three
        let start = Date()
        for n in 4...6 { #expect(try writer.commit(HistoryFixture.numbered(n, of: template))) }
        let pruned = try writer.prune(retain: .seconds(1), maxBytes: 256 << 20,
                                      nowUnixNs: HistoryFixture.numbered(5, of: template).endUnixNs)
        #expect(pruned.expired == 3 && !pruned.checkpointed) // the reader's snapshot keeps the WAL
        #expect(Date().timeIntervalSince(start) < 1, "the writer waited for the reader")
        var seen = [reading.int(0)]
        while try reading.step() { seen.append(reading.int(0)) }
        reading.reset()
        #expect(seen == [1, 2, 3])
        #expect(try reader.entries().map(\.generation) == [4, 5, 6])
        let later = try writer.prune(retain: .seconds(1), maxBytes: 256 << 20,
                                     nowUnixNs: HistoryFixture.numbered(6, of: template).endUnixNs)
        #expect(later.expired == 1 && later.checkpointed) // the reader is done: the WAL is emptied
    }

    @Test func aReopenedStoreContinuesTheNumbering() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try HistoryStore.open(directory: dir.path)
            for e in try HistoryFixture.entries("restarts") + HistoryFixture.entries("cri-shared-pid-ignores") {
                try store.commit(e)
            }
        }
        let store = try HistoryStore.open(directory: dir.path)
        let web = try #require(try HistoryFixture.entries("restarts").last)
        #expect(try store.latestGeneration(containerID: web.containerID) == 3)
        #expect(try store.latestGeneration(name: "web", pod: nil, namespace: nil) == 3)
        #expect(try store.latestGeneration(containerID: "unknown") == nil)
        #expect(try store.latestGeneration(name: "app", pod: "cp1", namespace: "shop") == 1)
        #expect(try store.latestGeneration(name: "app", pod: "cp1", namespace: "other") == nil)
        #expect(try store.latestGeneration(name: "app", pod: nil, namespace: nil) == nil)
    }

    @Test func theSchemaIsVersionedAndADatabaseOfVersion0IsMigrated() throws {
        let dir = TemporaryDirectory()
        // Version 0: the empty file an agent killed during its first open leaves.
        let path = dir.path + "/" + HistoryStore.databaseName
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        try HistoryStore.open(directory: dir.path).commit(try #require(try HistoryFixture.entries("init-killed").first))
        #expect(try HistoryTools.sqlite3(path, "PRAGMA user_version") == "\(HistorySchema.version)")
        #expect(HistorySchema.version == 2)
        #expect(try HistoryTools.sqlite3(path, "PRAGMA journal_mode") == "wal")
        #expect(try HistoryTools.sqlite3(path, "PRAGMA auto_vacuum") == "2") // INCREMENTAL: prune gives pages back
        #expect(try HistoryTools.sqlite3(path, "SELECT count(*) FROM entries") == "1")
    }

    /// Version 1 kept (boot, container, pidns, init host PID) as the identity: a run whose
    /// reused inode and host PID matched an earlier one's was not written. Migrated, its
    /// entries and their records stay, and the init's start time tells runs apart.
    @Test func aVersion1DatabaseIsMigratedKeepingEntriesAndRecords() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/" + HistoryStore.databaseName
        _ = try HistoryTools.sqlite3(path, HistorySchema.migrations[0] + """
            INSERT INTO entries (boot_id, container_id, pidns, init_host_pid, generation, exec_chain, start_seen,
                end_unix_ns, how, cause, headline, findings, sigterm_ignored, oom_kills, never_reaped, processes_seen,
                observed) VALUES ('b', 'c1', 7, 42, 1, '[]', 1, 1000, 'exit', 'container', 'old', '[]', 0, '[]', '[]', 1, 1);
            INSERT INTO records (entry_id, lines, ndjson_bytes, ndjson_zlib) VALUES (1, 0, 0, x'');
            PRAGMA journal_mode = WAL; PRAGMA user_version = 1;
            """)
        // `history` and `why` read it as it is (an older agent may be writing it).
        let read = try HistoryStore.openReadOnly(directory: dir.path).entries()
        #expect(read.map(\.headline) == ["old"] && read.first?.initStartNs == 0)
        #expect(try HistoryTools.sqlite3(path, "PRAGMA user_version") == "1")
        let store = try HistoryStore.open(directory: dir.path)
        #expect(try HistoryTools.sqlite3(path, "PRAGMA user_version") == "2")
        #expect(try HistoryTools.sqlite3(path, "SELECT count(*) FROM records") == "1", "records kept")
        #expect(try HistoryTools.sqlite3(path, "PRAGMA integrity_check") == "ok")
        let old = try #require(try store.entries().first)
        #expect(old.headline == "old" && old.initStartNs == 0)
        var run = try #require(try HistoryFixture.entries("init-killed").first)
        run.initStartNs = 5_000
        #expect(try store.commit(run))
        #expect(try !store.commit(run), "the same run is written once")
        run.initStartNs = 9_000 // the same inode and host PID, another start: another run
        #expect(try store.commit(run))
        #expect(try store.entries().count == 3)
        #expect(try HistoryTools.sqlite3(path, "PRAGMA foreign_key_check") == "")
    }

    @Test func aNewerSchemaIsRefusedForWritingAndReadForReading() throws {
        let dir = TemporaryDirectory()
        let first = try HistoryStore.open(directory: dir.path)
        try first.commit(try #require(try HistoryFixture.entries("init-killed").first))
        first.close()
        _ = try HistoryTools.sqlite3(dir.path + "/history.db", "PRAGMA user_version = 99")
        #expect {
            try HistoryStore.open(directory: dir.path)
        } throws: { error in
            guard case let .newerSchema(_, version, known)? = error as? HistoryError else { return false }
            return version == 99 && known == HistorySchema.version && (error as! HistoryError).exitStatus.rawValue == 65
        }
        #expect(try HistoryStore.openReadOnly(directory: dir.path).entries().count == 1)
    }

    @Test func filesAreForRootOnly() throws {
        let parent = TemporaryDirectory()
        let store = try HistoryStore.open(directory: parent.path + "/a/b/state")
        try store.commit(try #require(try HistoryFixture.entries("init-killed").first))
        for (path, mode) in [(store.directory, 0o700), (store.databasePath, 0o600), (store.databasePath + "-wal", 0o600),
                             (store.directory + "/lock", 0o600)] {
            var st = stat()
            #expect(stat(path, &st) == 0, "\(path) missing")
            #expect(Int(st.st_mode) & 0o777 == mode, "\(path)")
        }
    }

    @Test func aFilterSelectsByNameIDPrefixPodAndTime() throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        for name in ["restarts", "cri-shared-pid-ignores", "crash-loop"] {
            for e in try HistoryFixture.entries(name) { try store.commit(e) }
        }
        #expect(try store.entries().count == 12)
        #expect(try store.entries(matching: HistoryFilter(container: "web")).map(\.generation) == [1, 2, 3])
        #expect(try store.entries(matching: HistoryFilter(container: "3f2a9c")).count == 3)
        #expect(try store.entries(matching: HistoryFilter(container: "%")).isEmpty) // not a LIKE pattern
        #expect(try store.entries(matching: HistoryFilter(pod: "cp1")).map(\.containerName) == ["app"])
        #expect(try store.entries(matching: HistoryFilter(container: "app", pod: "cp1", namespace: "shop")).count == 1)
        #expect(try store.entries(matching: HistoryFilter(pod: "cp1", namespace: "nope")).isEmpty)
        let loop = try store.entries(matching: HistoryFilter(container: "loop11"))
        #expect(loop.count == 8)
        let since = HistoryFilter(container: "loop11", sinceUnixNs: loop[5].endUnixNs)
        #expect(try store.entries(matching: since).map(\.generation) == [6, 7, 8])
        // Oldest end first, across containers.
        let all = try store.entries()
        #expect(all.map(\.endUnixNs) == all.map(\.endUnixNs).sorted())
        let known = try store.knownContainers()
        #expect(known.map(\.name) == ["web", "loop11", "app"])
        #expect(known.map(\.entries) == [3, 8, 1])
        #expect(known[2].pod == "cp1" && known[2].namespace == "shop")
    }

    @Test func sinceTakesATimeAgoOrAnRFC3339Time() {
        let now = 1_800_000_000_000_000_000
        #expect(HistoryTimeText.since("24h", nowUnixNs: now) == now - 86_400_000_000_000)
        #expect(HistoryTimeText.since("90s", nowUnixNs: now) == now - 90_000_000_000)
        #expect(HistoryTimeText.since("7d", nowUnixNs: now) == now - 604_800_000_000_000)
        #expect(HistoryTimeText.since("2026-12-01T00:00:00Z") == 1_796_083_200_000_000_000)
        for bad in ["", "h", "24", "-1h", "1w", "yesterday", "2026-12-01", "99999999999999999999d"] {
            #expect(HistoryTimeText.since(bad) == nil, "\(bad)")
        }
        #expect(HistoryTimeText.duration("7d") == .seconds(604_800))
    }
}
