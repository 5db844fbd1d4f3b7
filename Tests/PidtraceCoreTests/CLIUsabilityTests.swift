import PidtraceCore
import Testing
@testable import PidtraceCLI

/// Things a first-time user typed or read: `ps NAME`, the --wait hint, the --html line.
@Suite("Command line: positional ps names, hints, confirmations")
struct CLIUsabilityTests {
    @Test func psTakesContainerNamesAsArguments() throws {
        #expect(try Ps.parse(["web"]).refs == ["web"])
        #expect(try Ps.parse(["web", "db", "--json"]).refs == ["web", "db"])
        #expect(try Ps.parse(["--container", "db", "web"]).refs == ["db", "web"])
        #expect(try Ps.parse([]).refs.isEmpty)
    }

    @Test func psRejectsAnEmptyName() {
        #expect(throws: (any Error).self) { try Ps.parse([""]) }
        #expect(throws: (any Error).self) { try Ps.parse(["--container", ""]) }
    }

    @Test func psPIDColumnsInTheTraceTablesOrder() throws {
        #expect(PsListing.columns == ["HOST-PID", "HOST-PPID", "NS-PID", "NS-PPID"])
        let header = try #require(String(decoding: PsListing.table([]), as: UTF8.self).split(separator: "\n").first)
        let traceOrder = TableSink.header.split(separator: " ").filter { PsListing.columns.contains(String($0)) }
        #expect(header.split(separator: " ").filter { PsListing.columns.contains(String($0)) } == traceOrder)
    }

    @Test func anUnknownContainerNameSuggestsWaitOnOneLine() {
        let e = TraceError.container(.unknownContainer("web", running: ["db", "cache"]))
        #expect(e.description == "no container 'web'; running containers: db, cache (to trace a container that does not exist yet, add --wait)")
        #expect(e.exitStatus == .noHost)
        #expect(!e.description.contains("\n"))
        // --wait awaits names: an ID gets no hint; nor do other container errors.
        #expect(!TraceError.container(.unknownContainer("3f2a9c", running: [])).description.contains("--wait"))
        #expect(!TraceError.container(.ambiguousPrefix("ab", matches: ["ab1", "ab2"])).description.contains("--wait"))
        // `ps` has no --wait: its message (ContainerError's own) gives no such hint.
        #expect(!ContainerError.unknownContainer("web", running: []).description.contains("--wait"))
    }

    @Test func htmlConfirmationLine() {
        #expect(Summary.wroteLine(path: "timeline.html", generations: 3) == "pidtrace: wrote timeline.html (3 generations)")
        #expect(Summary.wroteLine(path: "t.html", generations: 1) == "pidtrace: wrote t.html (1 generation)")
    }
}
