import Foundation
import Testing

/// The status line shows on a terminal's stderr when no table is, and never elsewhere.
@Suite(.serialized, .requires(.root))
struct LiveStatusTests {
    @Test func statusLineOnATerminal() throws {
        let dir = NSTemporaryDirectory() + "pidtrace-status-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // script(1) gives pidtrace a pseudo-terminal and records what it shows.
        let command = "\(pidtraceBinary()) -o \(dir)/out.ndjson --quiet --duration 2.5"
        let r = try DockerFixture.execute("/usr/bin/script", ["-qec", command, "\(dir)/typescript"], timeout: 20)
        #expect(r.status == 0)
        let screen = try String(contentsOfFile: "\(dir)/typescript", encoding: .utf8)
        #expect(screen.contains("events/s") && screen.contains("written") && screen.contains("0 lost"), "\(screen)")
        #expect(screen.contains("00:00:01"))
    }

    @Test func noStatusLineWithoutATerminal() throws {
        let output = NSTemporaryDirectory() + "pidtrace-status-\(UUID().uuidString).ndjson"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let r = try runPidtrace(["-o", output, "--quiet", "--duration", "1.5"])
        #expect(r.status == 0)
        #expect(!r.stderr.contains("events/s") && !r.stderr.contains("\u{1B}"))
    }
}
