import Testing
import PidtraceCore

@Suite("NDJSON stream records: start, lost, stop")
struct NDJSONStreamRecordTests {
    static let encoder = NDJSONEncoder(clock: BootClock(offsetNs: 0))

    static func lines(_ records: [TraceRecord]) throws -> [[String: Any]] {
        var out = JSONBuffer()
        for record in records { encoder.encode(record, into: &out) }
        #expect(out.bytes.last == UInt8(ascii: "\n"))
        return try JSONLines.objects(out.bytes)
    }

    @Test func startRecord() throws {
        let filters = TraceFilters(pidNamespaces: [4_026_531_836, 7], kinds: [.exec, .exit], threads: true)
        let start = StartInfo(tsNs: 5, version: "0.1.0", hostname: "box \"1\"", kernel: "6.18.0",
                              bootID: "0b1d", tracerPID: 99, filters: filters)
        let o = try #require(try Self.lines([.start(start)]).first)
        #expect(Set(o.keys) == ["event", "time", "ts_ns", "version", "hostname", "kernel", "boot_id",
                                "tracer_pid", "filters"])
        #expect(o["event"] as? String == "start")
        #expect(o["time"] as? String == "1970-01-01T00:00:00.000000005Z")
        #expect(o["hostname"] as? String == "box \"1\"")
        #expect(o["boot_id"] as? String == "0b1d")
        #expect(o["tracer_pid"] as? Int == 99)
        let f = try #require(o["filters"] as? [String: Any])
        #expect(Set(f.keys) == ["pidns", "events", "threads"])
        #expect(f["pidns"] as? [Int] == [4_026_531_836, 7])
        #expect(f["events"] as? [String] == ["exec", "exit"])
        #expect(f["threads"] as? Bool == true)
    }

    @Test func startRecordNamesWhatThisKernelCannotRecord() throws {
        let start = StartInfo(tsNs: 5, version: "0.1.0", hostname: "h", kernel: "5.10.0", bootID: "b", tracerPID: 1,
                              filters: TraceFilters(),
                              unavailable: [.reap: "no \"free\" hook", .oomKill: "mark_victim is missing"])
        let o = try #require(try Self.lines([.start(start)]).first)
        let u = try #require(o["unavailable"] as? [String: String])
        #expect(u == ["oom_kill": "mark_victim is missing", "reap": "no \"free\" hook"])
    }

    @Test func lostRecord() throws {
        let o = try #require(try Self.lines([.lost(LostInfo(tsNs: 10, count: 123))]).first)
        #expect(Set(o.keys) == ["event", "time", "ts_ns", "count"])
        #expect(o["event"] as? String == "lost")
        #expect(o["count"] as? Int == 123)
    }

    @Test func stopRecord() throws {
        let o = try #require(try Self.lines([.stop(StopInfo(tsNs: 20, events: 7, lost: 2, reason: "signal"))]).first)
        #expect(Set(o.keys) == ["event", "time", "ts_ns", "events", "lost", "reason"])
        #expect(o["event"] as? String == "stop")
        #expect(o["events"] as? Int == 7)
        #expect(o["lost"] as? Int == 2)
        #expect(o["reason"] as? String == "signal")
    }

    @Test func aWholeStreamIsOneObjectPerLine() throws {
        let records: [TraceRecord] = [
            .start(StartInfo(tsNs: 1, version: "v", hostname: "h", kernel: "k", bootID: "b", tracerPID: 1,
                             filters: TraceFilters())),
            .process(ProcessRecord(event: .sample(.fork))),
            .process(ProcessRecord(event: .sample(.exec, argsArea: Array("ls\u{0}".utf8)))),
            .lost(LostInfo(tsNs: 3, count: 1)),
            .process(ProcessRecord(event: .sample(.exit, exitStatus: 9))),
            .stop(StopInfo(tsNs: 4, events: 3, lost: 1, reason: "duration")),
        ]
        let events = try Self.lines(records).map { $0["event"] as? String }
        #expect(events == ["start", "fork", "exec", "lost", "exit", "stop"])
    }
}
