import Foundation
import Testing
@testable import PidtraceCore

/// The live table on a terminal of a given width: no line wraps, COMM and DETAIL give
/// up columns with "…"; without a width (a file, a pipe) every line is whole.
@Suite("TableSink: fitting the terminal's width, quoted argv")
final class TableWidthTests {
    let path = NSTemporaryDirectory() + "pidtrace-table-\(UUID().uuidString).txt"
    deinit { try? FileManager.default.removeItem(atPath: path) }

    static let start = TraceRecord.start(StartInfo(tsNs: 0, version: "", hostname: "", kernel: "", bootID: "",
                                                   tracerPID: 1, filters: TraceFilters()))
    /// The document's example: a long argv and a long COMM.
    static let nginx = TraceRecord.process(ProcessRecord(
        event: .sample(.exec, comm: "runc:[2:INIT]"),
        argv: Argv(args: ["nginx", "-g", "daemon off; worker_processes 4; error_log stderr notice;",
                          "-c", "/etc/nginx/a-rather-long-path-to/nginx.conf"].map { Array($0.utf8) }, truncated: false)))
    static let lost = TraceRecord.lost(LostInfo(tsNs: 0, count: 123_456_789))

    /// The lines `records` come out as through write(), as a terminal would get them.
    func written(_ records: [TraceRecord], width: Int?, showContainer: Bool = false) throws -> [String] {
        let sink = TableSink(output: try OutputFile(path: path, mode: .replace), clock: BootClock(offsetNs: 0),
                             showContainer: showContainer, width: width)
        for r in records { try sink.write(r) }
        try sink.flush()
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func withoutAWidthLinesAreWholeAndArgvIsQuoted() throws {
        let lines = try written([Self.start, Self.nginx], width: nil)
        #expect(lines[0] == TableSink.header)
        #expect(lines[1].contains(" runc:[2:INIT]    "))
        #expect(lines[1].hasSuffix(
            "nginx -g 'daemon off; worker_processes 4; error_log stderr notice;' -c /etc/nginx/a-rather-long-path-to/nginx.conf"))
        #expect(!lines[1].contains("…"))
    }

    @Test(arguments: [(100, false), (100, true), (80, false), (120, false), (60, true)])
    func noLineIsWiderThanTheTerminal(width: Int, showContainer: Bool) throws {
        let lines = try written([Self.start, Self.nginx, Self.lost], width: width, showContainer: showContainer)
        #expect(lines.count == 3)
        for line in lines { #expect(line.count <= width, "\(line.count) > \(width): \(line)") }
        #expect(lines[1].hasSuffix("…"))
        if !showContainer && width >= 100 { #expect(lines[1].contains(" nginx -g 'daemon off;")) }
    }

    @Test func onA100ColumnTerminalCOMMNarrowsAndTheHeaderFollows() throws {
        let lines = try written([Self.start, Self.nginx], width: 100)
        #expect(lines[1].count == 100)
        #expect(lines[1].contains(" runc:[2… nginx -g"))
        // DETAIL starts under its header, COMM under its own.
        let detailAt = try #require(lines[0].firstRange(of: "DETAIL")).lowerBound
        let offset = lines[0].distance(from: lines[0].startIndex, to: detailAt)
        #expect(lines[1].dropFirst(offset).hasPrefix("nginx -g "))
        #expect(lines[0].hasSuffix("NS-PPID COMM     DETAIL"))
    }

    @Test func aWideTerminalChangesNothingThatFits() throws {
        let short = TraceRecord.process(ProcessRecord(event: .sample(.exit)))
        #expect(try written([Self.start, short], width: 300) == (try written([Self.start, short], width: nil)))
        let nginx = try written([Self.nginx], width: 300)[0]
        #expect(!nginx.contains("…") && nginx.contains("runc:[2:INIT]"))
    }

    @Test func theFullLayoutIsTheDocumentedHeader() {
        #expect(TableLayout.full(showContainer: false).header() == TableSink.header)
        #expect(TableLayout.full(showContainer: true).header() == TableSink.containerHeader)
        #expect(TableLayout.full(showContainer: false).detailColumn == TableSink.header.count - "DETAIL".count)
        #expect(TableLayout.full(showContainer: true).detailColumn == TableSink.containerHeader.count - "DETAIL".count)
        #expect(TableLayout.fitting(width: nil, showContainer: true) == .full(showContainer: true))
    }

    @Test(arguments: [
        (200, false, 16, nil, true), (140, false, 16, nil, true), (120, false, 13, nil, true),
        (100, false, 8, nil, false), (140, true, 16, 14, true), (128, true, 8, 12, true), (100, true, 8, 10, false),
    ] as [(Int, Bool, Int, Int?, Bool)])
    func narrowTerminalsGiveUpCOMMThenCONTAINERThenPIDNS(width: Int, showContainer: Bool, comm: Int,
                                                         container: Int?, pidns: Bool) {
        let layout = TableLayout.fitting(width: width, showContainer: showContainer)
        #expect(layout.comm == comm && layout.container == container && layout.pidns == pidns)
        #expect(layout.header().count == layout.detailColumn + "DETAIL".count)
    }

    @Test func fitKeepsTheBoldEscapeOutOfTheCount() {
        let bold = "\u{1B}[1m"
        #expect(TableSink.fit(bold + "abcdefghij", width: 5) == bold + "abcd…")
        #expect(TableSink.fit(bold + "abcde", width: 5) == bold + "abcde")
        #expect(TableSink.fit("abcdef", width: 6) == "abcdef")
        #expect(TableSink.truncated("abc", to: 1) == "…")
    }

    @Test func theENDLinesExplanationIsWrappedNotCut() {
        let explanation = String(repeating: " ", count: 13) + "▸ PID 1 (/bin/sh /start.sh) ignored SIGTERM from host PID 4326 (runc): "
            + "PID 1 of a namespace ignores every signal it has no handler for."
        let row = "13:59:01.211 END    web      4301   1   container web generation 1 ended: killed by SIGKILL and more text"
        let fitted = TableSink.fit(row + "\n" + explanation, width: 60).split(separator: "\n").map(String.init)
        #expect(fitted[0] == TableSink.truncated(row, to: 60) && fitted[0].hasSuffix("…"))
        #expect(fitted.count > 2)
        #expect(fitted.allSatisfy { $0.count <= 60 })
        #expect(fitted[1].hasPrefix(String(repeating: " ", count: 13) + "▸ PID 1"))
        #expect(fitted.dropFirst(2).allSatisfy { $0.hasPrefix(String(repeating: " ", count: 15)) && $0.dropFirst(15).first != " " })
        // Every word is still there, in order.
        let words = fitted.dropFirst().flatMap { $0.split(separator: " ") }
        #expect(words == explanation.split(separator: " "))
    }

    @Test func snapshotLineQuotesArgv() throws {
        let entry = ProcessEntry(hostPID: 30082, hostPPID: 30067, nsPID: 7, nsPPID: 1, nsPIDs: [30082, 7],
                                 pidns: 4026532253, comm: "nginx",
                                 argv: ["nginx", "-g", "daemon off;"].map { Array($0.utf8) })
        let lines = try written([.snapshot(SnapshotRecord(tsNs: 0, process: entry, mntns: 1, container: nil))], width: nil)
        #expect(lines[0].hasSuffix("already running: nginx -g 'daemon off;'"))
    }

    @Test(arguments: [("132", 132), ("0", nil), ("-5", nil), ("wide", nil), (nil, nil)] as [(String?, Int?)])
    func columnsVariable(text: String?, columns: Int?) {
        #expect(TerminalWidth.parse(text) == columns)
    }

    @Test func aFileIsNotATerminal() throws {
        let file = try OutputFile(path: path, mode: .replace)
        #expect(TerminalWidth.columns(of: file.fd, columnsVariable: "80") == nil)
    }
}

extension TableWidthTests {
    static func end(_ name: String) -> TraceRecord {
        .containerExit(ContainerLifecycle(tsNs: 0, container: ContainerAttribution(id: "c0ffee", name: name, generation: 12),
                                          initHostPID: 4301, pidns: 4_026_532_180, exit: ExitStatus(waitStatus: 9)))
    }

    @Test("a narrow terminal keeps the END row's outcome: the name and the generation give way first")
    func theENDRowKeepsItsOutcome() throws {
        let wide = try written([Self.end("web-frontend-canary")], width: nil, showContainer: true)
        #expect(wide[0].hasSuffix("container web-frontend-canary generation 12 ended: killed by SIGKILL"))
        for width in [80, 100, 110] {
            let lines = try written([Self.end("web-frontend-canary")], width: width, showContainer: true)
            #expect(lines.allSatisfy { $0.count <= width }, "\(lines)")
            #expect(lines.last?.hasSuffix("generation 12 ended: killed by SIGKILL") == true
                    || lines.last?.hasSuffix(" ended: killed by SIGKILL") == true && lines.count == 1, "\(width): \(lines)")
        }
    }
}
