import ArgumentParser
import Foundation
import Testing
@testable import PidtraceCLI

/// README's option and exit-status tables say what `pidtrace --help`, `pidtrace help
/// trace` and the man pages (generated from the same definitions) say.
@Suite("README agrees with the CLI: trace options and exit statuses")
struct ReadmeCLITests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func captures(_ pattern: String, in text: some StringProtocol) throws -> [String] {
        let regex = try Regex(pattern, as: (Substring, Substring).self)
        return String(text).matches(of: regex).map { String($0.output.1) }
    }

    /// The rows of the first table after the line that starts with `heading`.
    static func readmeTable(after heading: String) throws -> [(first: String, rest: String)] {
        let lines = try text("README.md").split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix(heading) }, "README has no '\(heading)'")
        var rows: [(String, String)] = []
        for line in lines[(start + 1)...].drop(while: { !$0.hasPrefix("|") }) {
            guard line.hasPrefix("|") else { break }
            if line.hasPrefix("|-") { continue }
            // The first cell ends at the first " | " (an escaped \| inside it has no spaces).
            guard let end = line.range(of: " | ") else { continue }
            let first = line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]
            var rest = line[end.upperBound...]
            if rest.hasSuffix(" |") { rest = rest.dropLast(2) }
            if first == "option" || first == "status" { continue }
            rows.append((String(first), String(rest)))
        }
        return rows
    }

    @Test func readmeListsEveryTraceOptionAndNoOther() throws {
        let help = Pidtrace.helpMessage(for: Trace.self, columns: 10_000)
        let inHelp = Set(try Self.captures(#"(?m)^  (?:-[a-z], )?(--[a-z-]+)"#, in: help)
            + Self.captures(#"(?m)^  (-[a-z]), --"#, in: help))
            .subtracting(["--help", "-h", "--version"])
        #expect(inHelp.contains("--container") && inHelp.contains("-o"), "options not found in: \(help)")
        let rows = try Self.readmeTable(after: "`trace` (the default command) options:")
        let inReadme = Set(try rows.flatMap { try Self.captures(#"(?:^|[^\w-])(--?[a-z][a-z-]*)"#, in: $0.first) })
        #expect(inHelp.subtracting(inReadme).sorted() == [], "trace options missing from README's table")
        #expect(inReadme.subtracting(inHelp).sorted() == [], "README's table names options trace does not have")
    }

    @Test func readmeExitStatusesAreTheCLIsTable() throws {
        let rows = try Self.readmeTable(after: "### Exit statuses")
        let readme = rows.map { "\($0.first) \($0.rest)" }
        let code = ExitStatuses.table.map { "\($0.status) \($0.meaning)" }
        #expect(readme == code)
    }

    @Test func helpAndManPagesShowTheExitStatuses() {
        for help in [Pidtrace.helpMessage(columns: 80), Pidtrace.helpMessage(for: Trace.self, columns: 80)] {
            for row in ExitStatuses.table {
                #expect(help.contains("\(row.status)  \(row.meaning.split(separator: " ").prefix(3).joined(separator: " "))"))
            }
        }
        #expect(ExitStatuses.help.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    /// Every status the code can exit with is in the table.
    @Test func everyStatusTheCodeReturnsIsInTheTable() throws {
        var statuses: Set<Int32> = [0, Pidtrace.exitCode(for: ValidationError("x")).rawValue]
        let cli = try FileManager.default.contentsOfDirectory(
            atPath: Self.root.appendingPathComponent("Sources/PidtraceCLI").path)
        for file in cli where file.hasSuffix(".swift") {
            for n in try Self.captures(#"ExitCode\((\d+)\)"#, in: try Self.text("Sources/PidtraceCLI/\(file)")) {
                statuses.insert(Int32(n)!)
            }
        }
        for file in ["Sources/PidtraceCore/Session/TraceError.swift", "Sources/PidtraceCore/Containers/ContainerError.swift",
                     "Sources/PidtraceCore/History/HistoryError.swift",
                     "Sources/PidtraceCore/Metrics/Server/MetricsServerError.swift"] {
            let source = try Self.text(file)
            let body = try #require(source.range(of: "var exitStatus: Int32 {"))
            let end = try #require(source.range(of: "\n    }\n", range: body.upperBound..<source.endIndex))
            let found = try Self.captures(#"[:?]\s*(\d{2,3})\b"#, in: source[body.upperBound..<end.lowerBound])
            #expect(!found.isEmpty, "no statuses found in \(file)")
            statuses.formUnion(found.map { Int32($0)! })
        }
        for n in try Self.captures(#"_exit\((\d+)\)"#, in: try Self.text("Sources/PidtraceCore/Session/StopRequest.swift")) {
            statuses.insert(Int32(n)!)
        }
        let table = Set(ExitStatuses.table.map(\.status))
        #expect(statuses.subtracting(table).sorted() == [], "exit statuses missing from ExitStatuses.table")
        #expect(table.subtracting(statuses).sorted() == [], "ExitStatuses.table lists statuses the code never returns")
    }
}
