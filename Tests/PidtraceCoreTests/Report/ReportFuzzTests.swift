import Foundation
import Testing
@testable import PidtraceCore

/// SplitMix64: a small generator with a fixed seed, so a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Random and mutated lines fed to the readers of `summary` and `tree`.
@Suite("summary and tree: fuzzed NDJSON never crashes the report")
struct ReportFuzzTests {
    static let iterations = 2000
    static let seed: UInt64 = 0x7069_6474_7261_6365 // "pidtrace"

    /// Valid lines of every kind, from the fixtures.
    static func corpus() throws -> [[UInt8]] {
        try ["restarts", "zombies", "old-contract", "malformed"].flatMap { try ReportFixture.lines($0) }.filter { !$0.isEmpty }
    }

    @Test("each mutated line between two good ones: a report, and at most a diagnostic naming line 2")
    func mutatedLines() throws {
        let corpus = try Self.corpus()
        let dir = TemporaryDirectory("pidtrace-fuzz")
        var rng = SplitMix64(state: Self.seed)
        let first = Array(#"{"event":"start","version":"0.1.0"}"#.utf8)
        let last = Array(#"{"event":"stop","events":1,"lost":0,"reason":"signal"}"#.utf8)
        var malformed = 0
        for iteration in 0..<Self.iterations {
            // A newline made by a mutation would split the line: the test wants one line.
            let line = Self.mutate(corpus.randomElement(using: &rng)!, corpus, &rng).map { $0 == 0x0a ? 0x20 : $0 }
            let report = try ReportFixture.report(bytes: first + [0x0a] + line + [0x0a] + last + [0x0a], in: dir)
            let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }
            let context = Comment(rawValue: "iteration \(iteration), seed \(Self.seed): \(String(decoding: line.prefix(300), as: UTF8.self))")
            #expect(report.malformedLines == [] || report.malformedLines == [2], context)
            #expect(report.stream.records == (report.diagnostics.isEmpty && !blank ? 3 : 2), context)
            #expect(report.stream.complete, context)
            try Self.render(report, context)
            malformed += report.diagnostics.count
        }
        // The mutations must really produce both outcomes, or the test proves little.
        #expect(malformed > Self.iterations / 4 && malformed < Self.iterations)
    }

    @Test("random bytes: whole files of garbage end in a report with line-numbered diagnostics")
    func randomFiles() throws {
        let dir = TemporaryDirectory("pidtrace-fuzz")
        var rng = SplitMix64(state: Self.seed ^ 1)
        for iteration in 0..<200 {
            let bytes = (0..<Int.random(in: 0...4000, using: &rng)).map { _ in
                Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : Array("{}[]\":,0e-\n\\u".utf8).randomElement(using: &rng)!
            }
            let report = try ReportFixture.report(bytes: bytes, in: dir)
            let lineCount = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).count
            let context = Comment(rawValue: "iteration \(iteration)")
            #expect(report.malformedLines.allSatisfy { $0 >= 1 && $0 <= lineCount }, context)
            #expect(report.malformedLines == report.malformedLines.sorted(), context)
            try Self.render(report, context)
        }
    }

    /// Every output must come out, and the JSON must be valid JSON.
    static func render(_ report: TraceReport, _ context: Comment) throws {
        _ = report.summaryText()
        _ = TraceReport.treeText(report.generations)
        #expect(throws: Never.self, context) { try JSONSerialization.jsonObject(with: Data(report.summaryJSON())) }
    }

    static let hostileNumbers = ["1e999", "-1e999", "99999999999999999999999", "-9223372036854775808",
                                 "9223372036854775808", "1e-999", "-0", "0.5", "\"7\"", "null", "[]", "{}", "true"]

    static func mutate(_ line: [UInt8], _ corpus: [[UInt8]], _ rng: inout SplitMix64) -> [UInt8] {
        var out = line
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: // bit flips
            for _ in 0..<Int.random(in: 1...8, using: &rng) where !out.isEmpty {
                out[Int.random(in: 0..<out.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
        case 1: // truncation
            out = Array(out.prefix(Int.random(in: 0...out.count, using: &rng)))
        case 2: // invalid UTF-8 inserted anywhere
            let bad: [[UInt8]] = [[0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]
            out.insert(contentsOf: bad.randomElement(using: &rng)!, at: Int.random(in: 0...out.count, using: &rng))
        case 3: // deep nesting, alone or as a field value
            let depth = Int.random(in: 1...10_000, using: &rng)
            let open = Array(repeating: Bool.random(using: &rng) ? UInt8(ascii: "[") : UInt8(ascii: "{"), count: depth)
            out = Bool.random(using: &rng) ? open : Array(#"{"event":"exec","host_pid":1,"argv":"#.utf8) + open
        case 4: // a hostile number or another type where a number was
            if let at = out.indices.first(where: { out[$0] == UInt8(ascii: ":") && $0 + 1 < out.count
                && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(out[$0 + 1]) && Bool.random(using: &rng) }) {
                let end = out[(at + 1)...].firstIndex { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? out.count
                out.replaceSubrange((at + 1)..<end, with: Array(hostileNumbers.randomElement(using: &rng)!.utf8))
            }
        case 5: // a huge string value
            let huge = Array(repeating: UInt8(ascii: "A"), count: Int.random(in: 10_000...100_000, using: &rng))
            out = Array(#"{"event":"exec","host_pid":3,"ns_pid":1,"pidns":9,"comm":""#.utf8) + huge + Array(#"","argv":[]}"#.utf8)
        case 6: // two lines spliced
            let other = corpus.randomElement(using: &rng)!
            out = Array(out.prefix(Int.random(in: 0...out.count, using: &rng)))
                + Array(other.suffix(Int.random(in: 0...other.count, using: &rng)))
        case 7: // random bytes
            out = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        default: // a valid line: it must still decode
            break
        }
        return out
    }
}
