import Foundation
import Testing
@testable import PidtraceCore

/// What the agent keeps of a generation's records tells the story the whole recording
/// tells of it (what `pidtrace why` prints is what `pidtrace summary` prints).
@Suite("record keeper: a generation's kept records tell its story")
struct RecordKeeperTests {
    @Test("the kept records of each ended generation give its findings and ending", arguments: OneStoryTests.fixtures)
    func keptRecordsTellTheSameStory(fixture: String) throws {
        let (records, clock) = try TypedRecords.of(fixture: fixture)
        let keeper = RecordKeeper(clock: clock)
        let story = StoryTracker(clock: clock, keepEnded: false)
        var told: [(TraceReport.Generation, [String])] = []
        story.onEnded { told.append(($0, keeper.take($0))) }
        for record in records {
            keeper.add(record)
            story.add(record)
        }
        let endedInFile = try ReportFixture.report(fixture).generations.filter { $0.container != nil && $0.end != nil }
        #expect(told.count == endedInFile.count)
        let directory = try TemporaryDirectory()
        for (generation, lines) in told {
            #expect(!lines.isEmpty)
            let again = try ReportFixture.report(text: lines.joined(separator: "\n") + "\n", in: directory)
            let same = try #require(again.generations.first { $0.container?.id == generation.container?.id })
            #expect(same.container == generation.container)
            #expect(same.ending == generation.ending)
            #expect(same.findings == generation.findings, "\(fixture) generation \(generation.container?.generation ?? 0)")
        }
    }

    @Test("a busy generation keeps the first and latest of its story, the latest others, and says what it left out")
    func boundedAndSaid() {
        var kept = GenerationRecords()
        for i in 0..<2000 {
            kept.add("story \(i)", isStory: true)
            kept.add("other \(i)", isStory: false)
        }
        let (lines, leftOut) = kept.lines()
        #expect(lines.count == GenerationRecords.storyHead + GenerationRecords.storyTail + GenerationRecords.othersKept)
        #expect(leftOut == 4000 - lines.count)
        #expect(lines.first == "story 0" && lines.last == "other 1999")
        let head = GenerationRecords.storyHead, tail = GenerationRecords.storyTail, others = GenerationRecords.othersKept
        #expect(lines.contains("story \(head - 1)") && !lines.contains("story \(head)") && lines.contains("story \(2000 - tail)"))
        #expect(!lines.contains("story \(1999 - tail)"))
        #expect(!lines.contains("other \(1999 - others)") && lines.contains("other \(2000 - others)"))
    }
}
