import Testing
@testable import PidtraceCore

/// The agent's writer thread commits what it is given, once, and everything given before
/// `finish` is in the history after it.
@Suite("history writer: entries committed off the reader's thread")
struct HistoryWriterTests {
    @Test func everyEntryGivenBeforeFinishIsCommittedOnce() throws {
        let dir = TemporaryDirectory()
        // `numbered` ends them in 2023: kept ten years.
        let template = try #require(try HistoryFixture.entries("init-killed").first)
        let writer = HistoryWriter(store: try HistoryStore.open(directory: dir.path), retain: .seconds(10 * 365 * 86400),
                                   maxBytes: 64 << 20)
        for n in 1...50 { writer.submit(HistoryFixture.numbered(n, of: template)) }
        writer.submit(HistoryFixture.numbered(7, of: template)) // the same generation again
        writer.finish()
        #expect(writer.takeProblems().isEmpty)
        let entries = try HistoryStore.openReadOnly(directory: dir.path).entries()
        #expect(entries.map(\.generation).sorted() == Array(1...50))
    }
}
