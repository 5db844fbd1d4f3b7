import Testing
import PidtraceCore

@Suite("Argv splitting of the NUL-separated area")
struct ArgvTests {
    static func area(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }
    static func args(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }

    @Test func splitsAtEachNUL() {
        let argv = Argv(area: Self.area("ls\u{0}-l\u{0}/tmp\u{0}"), areaTruncated: false)
        #expect(argv.args == Self.args(["ls", "-l", "/tmp"]))
        #expect(!argv.truncated)
    }

    @Test func keepsEmptyArguments() {
        let argv = Argv(area: Self.area("printf\u{0}\u{0}x\u{0}\u{0}"), areaTruncated: false)
        #expect(argv.args == Self.args(["printf", "", "x", ""]))
    }

    @Test func lastArgumentWithoutItsNUL() {
        let argv = Argv(area: Self.area("echo\u{0}cut-of"), areaTruncated: true)
        #expect(argv.args == Self.args(["echo", "cut-of"]))
        #expect(argv.truncated)
    }

    @Test func emptyAreaHasNoArguments() {
        let argv = Argv(area: [], areaTruncated: false)
        #expect(argv.args.isEmpty)
        #expect(!argv.truncated)
    }

    @Test func argumentsPastMaxArgsAreCut() {
        let argv = Argv(area: Self.area("a\u{0}b\u{0}c\u{0}d\u{0}"), areaTruncated: false, maxArgs: 2)
        #expect(argv.args == Self.args(["a", "b"]))
        #expect(argv.truncated)
    }

    @Test func exactlyMaxArgsIsNotTruncated() {
        let argv = Argv(area: Self.area("a\u{0}b\u{0}"), areaTruncated: false, maxArgs: 2)
        #expect(argv.args == Self.args(["a", "b"]))
        #expect(!argv.truncated)
    }

    @Test func longArgumentIsCutToMaxArgBytes() {
        let argv = Argv(area: Self.area("cat\u{0}abcdefgh\u{0}"), areaTruncated: false, maxArgBytes: 5)
        #expect(argv.args == Self.args(["cat", "abcde"]))
        #expect(argv.truncated)
    }

    @Test func argumentOfExactlyMaxArgBytesIsWhole() {
        let argv = Argv(area: Self.area("abcde\u{0}"), areaTruncated: false, maxArgBytes: 5)
        #expect(argv.args == Self.args(["abcde"]))
        #expect(!argv.truncated)
    }

    @Test func longArgumentPastMaxArgsDoesNotCount() {
        let argv = Argv(area: Self.area("a\u{0}bbbbbbbb\u{0}"), areaTruncated: false, maxArgs: 1, maxArgBytes: 4)
        #expect(argv.args == Self.args(["a"]))
        #expect(argv.truncated) // by maxArgs
    }

    @Test func areaTruncationFlagIsKept() {
        let argv = Argv(area: Self.area("a\u{0}b\u{0}"), areaTruncated: true)
        #expect(argv.args == Self.args(["a", "b"]))
        #expect(argv.truncated)
    }
}
