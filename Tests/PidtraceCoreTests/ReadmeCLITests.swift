import ArgumentParser
import Foundation
import Testing
@testable import PidtraceCLI
import PidtraceCore

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
        let code = CommandExit.allCases.map { "\($0.rawValue) \($0.meaning)" }
        #expect(readme == code)
    }

    @Test func helpAndManPagesShowTheExitStatuses() {
        for help in [Pidtrace.helpMessage(columns: 80), Pidtrace.helpMessage(for: Trace.self, columns: 80)] {
            for exit in CommandExit.allCases {
                #expect(help.contains("\(exit.rawValue)  \(exit.meaning.split(separator: " ").prefix(3).joined(separator: " "))"))
            }
        }
        #expect(CommandExit.help.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    /// Every status is one a command exits with, and each is given by its name, never
    /// as a number: the table cannot drift from what the code returns.
    @Test func everyStatusIsReturnedByNameNoneByNumber() throws {
        // ArgumentParser's own: a command that returns, and a validation error.
        #expect(ExitCode.success.rawValue == CommandExit.success.rawValue)
        #expect(Pidtrace.exitCode(for: ValidationError("x")).rawValue == CommandExit.usage.rawValue)
        var returned: Set<String> = ["success", "usage"]
        let sources = Self.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.subpaths(atPath: sources.path)).filter { $0.hasSuffix(".swift") }
        for file in files {
            let source = try Self.text("Sources/" + file)
            for bare in [#"ExitCode\(\s*\d"#, #"exit\(\s*\d"#, #"var exitStatus: Int32"#] {
                #expect(source.firstMatch(of: try Regex(bare)) == nil, "\(file): an exit status as a number, not a CommandExit")
            }
            returned.formUnion(try Self.captures(#"ExitCode\(\.(\w+)\)"#, in: source))
            returned.formUnion(try Self.captures(#"exit\(CommandExit\.(\w+)"#, in: source))
            var rest = source[...]
            while let body = rest.range(of: "var exitStatus: CommandExit {") {
                let end = try #require(rest.range(of: "\n    }\n", range: body.upperBound..<rest.endIndex))
                let found = try Self.captures(#"[:?]\s*\.(\w+)"#, in: rest[body.upperBound..<end.lowerBound])
                // An error that wraps others (the agent's) hands on theirs.
                let forwards = rest[body.upperBound..<end.lowerBound].contains(".exitStatus")
                #expect(!found.isEmpty || forwards, "no statuses found in \(file)")
                returned.formUnion(found)
                rest = rest[end.upperBound...]
            }
        }
        let names = Set(CommandExit.allCases.map { String(describing: $0) })
        #expect(returned.subtracting(names).sorted() == [], "names that are no CommandExit")
        #expect(names.subtracting(returned).sorted() == [], "CommandExit lists statuses the code never returns")
    }
}
