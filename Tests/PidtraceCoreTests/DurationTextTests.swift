import Testing
@testable import PidtraceCore

@Suite("durations and exit codes, printed one way")
struct DurationTextTests {
    @Test(arguments: [
        (0, "0 µs"), (499, "0 µs"), (999, "1 µs"), (1_500, "2 µs"), (999_499, "999 µs"), (999_500, "1 ms"),
        (2_000_000, "2 ms"), (81_000_000, "81 ms"), (999_499_999, "999 ms"), (999_500_000, "1.0 s"),
        (1_240_000_000, "1.2 s"), (5_168_000_000, "5.2 s"), (5_149_999_999, "5.1 s"), (59_949_999_999, "59.9 s"),
        (59_950_000_000, "1 min 0 s"), (185_000_000_000, "3 min 5 s"), (3_599_600_000_000, "1 h 0 min"),
        (7_530_000_000_000, "2 h 6 min"), (-81_000_000, "-81 ms"),
    ])
    func rounded(ns: Int, shown: String) {
        #expect(DurationText.of(ns: ns) == shown)
    }

    @Test("the report's durations are the table's")
    func sameEverywhere() {
        for ns in [81_000_000, 5_168_000_000, 3_049_000_000] {
            #expect(ReportFormat.duration(ns) == TableSink.duration(UInt64(ns)))
        }
        #expect(DurationText.of(ns: Int.min).hasPrefix("-"))
        #expect(DurationText.of(ns: UInt64.max).hasSuffix(" min"))
    }

    @Test(arguments: [
        (0, "0"), (1, "1"), (128, "128"), (126, "126 (a command was found but could not be executed)"),
        (127, "127 (a command was not found)"),
        (137, "137 (128 + 9: how a shell or an init reports a child killed by SIGKILL)"),
        (143, "143 (128 + 15: how a shell or an init reports a child killed by SIGTERM)"), (255, "255"),
    ])
    func exitCodes(code: Int, shown: String) {
        #expect(ExitCodeMeaning.explained(code) == shown)
    }
}
