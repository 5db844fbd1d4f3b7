import PidtraceCore
import Testing
@testable import PidtraceCLI

@Suite("Parsing of option values")
struct CLIValuesTests {
    @Test(arguments: [
        ("8", 8 << 20), ("1", 1 << 20), ("64K", 65536), ("64k", 65536), ("4K", 4096),
        ("16M", 16 << 20), ("16m", 16 << 20), ("1024M", 1 << 30), ("1024", 1 << 30), (" 8 ", 8 << 20),
    ] as [(String, UInt32)])
    func ringBytes(text: String, bytes: UInt32) throws {
        #expect(try CLIValues.ringBytes(text) == bytes)
    }

    @Test(arguments: ["", "K", "0", "0K", "3", "3K", "2K", "100K", "2048M", "1025", "abc", "-8", "8G", "8.5"])
    func ringBytesRejects(text: String) {
        #expect(throws: (any Error).self) { try CLIValues.ringBytes(text) }
    }

    @Test func kindsInTheGivenOrder() throws {
        #expect(try CLIValues.kinds("exit,fork") == [.exit, .fork])
        #expect(try CLIValues.kinds(" exec , exit ") == [.exec, .exit])
    }

    @Test func emptyItemsBetweenCommasAreSkipped() throws {
        #expect(try CLIValues.kinds("fork,,exit,") == [.fork, .exit])
    }

    @Test("'+kind' adds to the default kinds, which leave exec_failed out (it slows every syscall)")
    func plusAddsToTheDefaults() throws {
        #expect(!EventKind.defaults.contains(.execFailed) && EventKind.defaults.count == EventKind.allCases.count - 1)
        #expect(try CLIValues.kinds("+exec_failed") == EventKind.allCases)
        #expect(try CLIValues.kinds("+fork") == EventKind.allCases.filter { $0 != .execFailed })
    }

    @Test(arguments: ["", ",", " ", "bogus", "FORK", "+bogus", "fork,+exec_failed", "+"])
    func kindsRejects(text: String) {
        #expect(throws: (any Error).self) { try CLIValues.kinds(text) }
    }
}
