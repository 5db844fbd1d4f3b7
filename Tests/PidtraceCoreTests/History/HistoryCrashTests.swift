import Foundation
import Glibc
import Testing
@testable import PidtraceCore

/// An agent killed with SIGKILL in the middle of writing: the database passes SQLite's
/// integrity check, every entry committed before is there, and the next agent opens it.
@Suite("History store: SIGKILL mid-write")
struct HistoryCrashTests {
    /// The helper commits as fast as it can (a few ms each, mostly the fsync), so a kill
    /// at a random point lands inside a commit (or, with a cap, a prune) nearly always.
    static func killedWriter(_ directory: String, afterCommits target: Int, cap: Int? = nil) throws -> (pid: Int32, committed: Int) {
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: HistoryTools.writer)
        writer.arguments = ["loop", directory, ReportFixture.path("nginx-noexec-restart")] + (cap.map { [String($0)] } ?? [])
        let output = Pipe()
        writer.standardOutput = output
        try writer.run()
        var said = ""
        func committed() -> Int {
            said.split(separator: "\n").last { $0.hasPrefix("committed ") }.flatMap { Int($0.dropFirst("committed ".count)) } ?? 0
        }
        while committed() < target {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        usleep(UInt32.random(in: 0..<3000)) // somewhere inside the next write
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        said += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(writer.terminationReason == .uncaughtSignal, "the writer was not killed: \(said.suffix(200))")
        #expect(committed() >= target)
        return (writer.processIdentifier, committed())
    }

    @Test func aWriterKilledMidWriteLeavesEveryCommittedEntryAndAWholeDatabase() throws {
        let dir = TemporaryDirectory()
        let database = dir.path + "/" + HistoryStore.databaseName
        var total = 0
        for round in 1...5 {
            let (pid, committed) = try Self.killedWriter(dir.path, afterCommits: 10 * round + Int.random(in: 0..<20))
            #expect(try HistoryTools.sqlite3(database, "PRAGMA integrity_check") == "ok")
            // This round's entries are 1…committed, and the one it was writing if its commit completed.
            let mine = "FROM entries WHERE boot_id = 'loop-\(pid)'"
            let stored = Int(try HistoryTools.sqlite3(database, "SELECT count(*) \(mine)")) ?? -1
            #expect(try HistoryTools.sqlite3(database, "SELECT max(generation) \(mine)") == String(stored))
            #expect(stored == committed || stored == committed + 1, "round \(round): \(stored) of \(committed)")
            #expect(try HistoryTools.sqlite3(database, "SELECT count(*) FROM entries e JOIN records r ON r.entry_id = e.id")
                == (try HistoryTools.sqlite3(database, "SELECT count(*) FROM entries")))
            total += stored
            // A reader first: it reads the dead writer's WAL as it stands.
            #expect(try HistoryStore.openReadOnly(directory: dir.path).entries().count == total)
            // The next agent opens it (the kernel let go of the dead one's lock) and reads the records back.
            let store = try HistoryStore.open(directory: dir.path)
            #expect(try store.entries().count == total)
            for e in try store.entries().suffix(3) { #expect(try !store.records(of: e).isEmpty) }
        }
    }

    @Test func aWriterKilledWhilePruningLeavesAWholeDatabaseUnderTheCap() throws {
        let dir = TemporaryDirectory()
        let database = dir.path + "/" + HistoryStore.databaseName
        let cap = 256 << 10
        for round in 1...4 {
            // Past 150 commits the cap is reached: each prune then evicts, vacuums and checkpoints.
            let (pid, committed) = try Self.killedWriter(dir.path, afterCommits: 150 + 20 * round + Int.random(in: 0..<20), cap: cap)
            #expect(try HistoryTools.sqlite3(database, "PRAGMA integrity_check") == "ok")
            let mine = "FROM entries WHERE boot_id = 'loop-\(pid)'"
            let newest = Int(try HistoryTools.sqlite3(database, "SELECT max(generation) \(mine)")) ?? -1
            let oldest = Int(try HistoryTools.sqlite3(database, "SELECT min(generation) \(mine)")) ?? -1
            #expect(newest == committed || newest == committed + 1, "round \(round): newest \(newest) of \(committed)")
            // Eviction takes the oldest first: what is left is one unbroken run up to the newest.
            #expect(try HistoryTools.sqlite3(database, "SELECT count(*) \(mine)") == String(newest - oldest + 1))
            let store = try HistoryStore.open(directory: dir.path)
            _ = try store.prune(retain: .seconds(86_400), maxBytes: cap)
            #expect(store.directoryBytes() <= cap)
        }
    }
}
