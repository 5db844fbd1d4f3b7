import Foundation
import Testing
@testable import PidtraceCore

/// docs/metrics.md's table lists the families the code exports: names, types, labels.
@Suite struct MetricsDocTests {
    @Test func theTableIsTheCodesFamilies() throws {
        let doc = try String(contentsOf: ReadmeCLITests.root.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        let lines = doc.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.firstIndex(of: "| name | type | labels | meaning |"))
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("| `") }.map { row in
            row.split(separator: "|", maxSplits: 4).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.map { "\($0[0]) \($0[1]) \($0[2])" } == MetricFamily.all.map { family in
            "`\(family.name)` \(family.type) \(family.labels.joined(separator: ", "))"
        })
    }
}
