import ArgumentParser
import Testing
@testable import PidtraceCLI

@Suite("trace: user input checked in validate()")
struct TraceValidationTests {
    /// The message the user would see, or nil when the arguments parse.
    static func rejection(_ arguments: [String]) -> String? {
        do {
            _ = try Trace.parse(arguments)
            return nil
        } catch {
            return Trace.message(for: error)
        }
    }

    @Test(arguments: [
        (["--events", "bogus"], "unknown kind 'bogus'"),
        (["--events", "exec,fork,exits"], "unknown kind 'exits'"),
        (["--events", ","], "invalid for '--events <KINDS>': no event kind given"),
        (["--ring-size", "3"], "power of two"),
        (["--ring-size", "3K"], "power of two"),
        (["--ring-size", "0"], "invalid for '--ring-size <SIZE>': '0' is not a size"),
        (["--ring-size", "2048M"], "invalid for '--ring-size <SIZE>': '2048M' is not a size"),
        (["--ring-size", "abc"], "invalid for '--ring-size <SIZE>': 'abc' is not a size"),
        (["--duration", "0"], "seconds above 0"),
        (["--duration=-1"], "seconds above 0"),
        (["--duration", "nan"], "seconds above 0"),
        (["--duration", "inf"], "seconds above 0"),
        (["--max-args", "0"], "between 1 and 1024"),
        (["--max-args", "1025"], "between 1 and 1024"),
        (["-o", "f", "--append", "--force"], "exclude each other"),
        (["--append"], "go with --output"),
        (["--force", "--json"], "go with --output"),
        (["-o", ""], "--output needs a file name"),
        (["--pid", "0"], "--pid 0"),
        (["--pid=-5"], "--pid -5"),
        (["--pid", "1", "--pid", "0"], "--pid 0"),
        (["--pidns", "0"], "--pidns 0"),
        (["--quiet"], "records nothing"),
        (["--pause-consumer-ms", "60001"], "out of range"),
    ])
    func rejects(arguments: [String], reason: String) throws {
        let message = try #require(Self.rejection(arguments))
        #expect(message.contains(reason))
    }

    @Test(arguments: [
        [String](),
        ["--json", "-o", "f", "--quiet"],
        ["-o", "f", "-q"],
        ["--json", "--quiet"],
        ["-o", "f", "--append"],
        ["-o", "f", "--force"],
        ["--ring-size", "64K"],
        ["--ring-size", "1024M"],
        ["--events", "exec, exit"],
        ["--duration", "0.5", "--max-args", "1024", "--threads"],
        ["--pid", "1", "--pidns", "4026531836"],
    ])
    func accepts(arguments: [String]) {
        #expect(Self.rejection(arguments) == nil)
    }

    @Test func traceIsTheDefaultSubcommand() throws {
        let command = try Pidtrace.parseAsRoot(["--json", "--ring-size", "16K", "--events", "exit"])
        let trace = try #require(command as? Trace)
        #expect(trace.json)
        #expect(trace.tracing.ringSize == 16 << 10)
        #expect(trace.tracing.events == [.exit])
        #expect(throws: (any Error).self) { try Pidtrace.parseAsRoot(["--ring-size", "3"]) }
    }
}
