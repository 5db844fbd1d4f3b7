import Testing
@testable import PidtraceCore

/// A live story forgets ended generations: over a node agent's weeks of containers its
/// routing tables stay bounded, and a forgotten generation's late record starts nothing.
@Suite struct ReportBuilderBoundTests {
    @Test func routesStayBoundedOverManyContainers() {
        var builder = ReportBuilder(lateReapNs: TraceReport.defaultLateReapNs, keepEnded: false)
        let count = ReportBuilder.routesKept + 2000
        var told = 0
        for n in 0..<count {
            let container = RecordedContainer(id: "c\(n)", name: "c\(n)", generation: 1, runtime: "docker", pod: nil)
            let initProcess = RecordedProcess(hostPID: 1000 + n, hostPPID: 1, nsPID: 1, pidns: 4_000_000 + n, comm: "sh",
                                              isThread: false, container: container)
            let stamp = TraceReport.Stamp(time: nil, tsNs: n * 1_000_000)
            builder.add(.containerStart(stamp, initProcess))
            builder.add(.exit(stamp, initProcess, .code(0)))
            builder.add(.containerExit(stamp, initProcess, .code(0)))
            builder.expire(atNs: n * 1_000_000 + ReportBuilder.endGraceNs)
            told += builder.takeEnded().count
        }
        #expect(told == count)
        #expect(builder.routeCount <= 2 * ReportBuilder.routesKept + 2)
        // A late record of a forgotten generation is dropped, not a generation of its own.
        let late = RecordedProcess(hostPID: 1000 + count - 1, hostPPID: 1, nsPID: 1, pidns: 4_000_000 + count - 1,
                                   comm: "sh", isThread: false,
                                   container: RecordedContainer(id: "c\(count - 1)", name: "c\(count - 1)", generation: 1,
                                                                runtime: "docker", pod: nil))
        builder.add(.exit(TraceReport.Stamp(time: nil, tsNs: count * 1_000_000), late, .code(0)))
        #expect(builder.finish().generations.isEmpty)
    }
}
