import Testing
import PidtraceCore

@Suite("RFC 3339 time from boot-time nanoseconds")
struct RFC3339TimeTests {
    static func time(offsetNs: Int64, bootNs: UInt64) -> String {
        var out = JSONBuffer()
        out.appendTime(wallNs: BootClock(offsetNs: offsetNs).wallNs(bootNs: bootNs))
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func knownEpochValue() {
        #expect(Self.time(offsetNs: 1_700_000_000_000_000_000, bootNs: 123_456_789)
            == #""2023-11-14T22:13:20.123456789Z""#)
    }

    @Test func epochZero() {
        #expect(Self.time(offsetNs: 0, bootNs: 0) == #""1970-01-01T00:00:00.000000000Z""#)
    }

    @Test func smallNanosArePadded() {
        #expect(Self.time(offsetNs: 86_400_000_000_005, bootNs: 0) == #""1970-01-02T00:00:00.000000005Z""#)
    }

    @Test func negativeWallTimeRoundsDown() {
        #expect(Self.time(offsetNs: -1, bootNs: 0) == #""1969-12-31T23:59:59.999999999Z""#)
        #expect(Self.time(offsetNs: -1_000_000_000, bootNs: 0) == #""1969-12-31T23:59:59.000000000Z""#)
        #expect(Self.time(offsetNs: -1_500_000_000, bootNs: 0) == #""1969-12-31T23:59:58.500000000Z""#)
    }

    @Test func offsetIsAddedToBootTime() {
        #expect(BootClock(offsetNs: 1_000).wallNs(bootNs: 234) == 1_234)
        #expect(BootClock(offsetNs: -1_000).wallNs(bootNs: 234) == -766)
    }
}
