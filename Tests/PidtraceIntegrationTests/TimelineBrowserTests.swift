import Foundation
import Testing

/// Debian's chromium, headless: what `make test-deps` installs for these tests.
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// `pidtrace summary FILE --html` opened in a real browser: the built binary writes
/// the page, headless chromium takes a screenshot and dumps the DOM it built.
@Suite("summary --html in headless chromium", .serialized, .requires(.chromium))
final class TimelineBrowserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PidtraceCoreTests/Fixtures/ndjson").path
    let dir = NSTemporaryDirectory() + "pidtrace-timeline-\(UUID().uuidString)/"

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// Runs chromium headless on `page` with `mode` (--screenshot=… or --dump-dom); returns stdout.
    private func chromium(_ mode: String, _ page: String) throws -> String {
        let binary = try #require(Chromium.path, "chromium is not installed: `make test-deps` installs it")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                             "--user-data-dir=\(dir)profile", "--window-size=1400,900", mode,
                             URL(fileURLWithPath: page).absoluteString]
        let outPath = dir + "chromium.out", errPath = dir + "chromium.err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer { try? out.close(); try? err.close() }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        do {
            try waitUntil(timeout: 90, "chromium \(mode)") { !process.isRunning }
        } catch {
            process.terminate()
            throw error
        }
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "chromium failed: \(stderr.suffix(2000))")
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    private func writePage(_ fixture: String) throws -> String {
        let page = dir + "\(fixture).html"
        let r = try runPidtrace(["summary", "\(Self.fixtures)/\(fixture).ndjson", "--html", page])
        #expect(r.status == 0, "pidtrace: \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("pidtrace: wrote \(page) (") && r.stderr.hasSuffix(")\n"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: page))
        return page
    }

    @Test("restarts: a screenshot that is a real, non-blank PNG of the window's size")
    func screenshot() throws {
        let page = try writePage("restarts")
        let png = dir + "restarts.png"
        _ = try chromium("--screenshot=\(png)", page)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "PNG signature")
        #expect(bytes.count > 33 && bytes[12..<16].elementsEqual(Array("IHDR".utf8)))
        let be32 = { (i: Int) in bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(bytes.count > 33 && be32(16) == 1400 && be32(20) == 900, "1400x900")
        // A blank 1400x900 page compresses to a few KB; text, bars and markers do not.
        #expect(bytes.count > 30_000, "\(bytes.count) bytes: blank page?")
    }

    @Test("restarts: the DOM chromium built has the bars, markers and exec chains")
    func dom() throws {
        let dom = try chromium("--dump-dom", try writePage("restarts"))
        #expect(dom.contains("<title>pidtrace timeline — web1</title>"))
        #expect(dom.components(separatedBy: "<rect class=\"bar ").count - 1 == 3 + 7, "3 generations + 7 legend swatches")
        #expect(dom.contains("<rect class=\"bar killed\""))
        #expect(dom.contains("<path class=\"oom-mark\""))
        #expect(dom.components(separatedBy: "<path class=\"sig").count - 1 == 3 + 1, "3 signals + the legend's")
        #expect(dom.contains("SIGKILL to PID 1 from host PID 77 (dockerd), delivered"))
        #expect(dom.contains("sh -c start.sh → nginx -g 'daemon off;'"))
        #expect(dom.contains("class=\"znever\"") && dom.contains("class=\"zlate\""))
        #expect(!dom.contains("<script"))
    }

    @Test("a real docker stop: SIGTERM and SIGKILL labelled, the diagnosis shown, SIGURG noise hidden")
    func stopStory() throws {
        let dom = try chromium("--dump-dom", try writePage("nginx-noexec-restart"))
        #expect(dom.components(separatedBy: ">SIGTERM ← runc<").count - 1 == 2, "a visible SIGTERM label per generation")
        #expect(dom.components(separatedBy: ">SIGKILL ← runc<").count - 1 == 2, "a visible SIGKILL label per generation")
        #expect(!dom.contains("SIGURG"))
        #expect(dom.contains("class=\"finding\"") && dom.contains("ignored SIGTERM from host PID"))
        #expect(dom.contains("Never received SIGTERM"))
    }

    @Test("zombies: a trace without containers renders its PID namespace")
    func namespaces() throws {
        let dom = try chromium("--dump-dom", try writePage("zombies"))
        #expect(dom.contains("PID namespace 4026532300"))
        #expect(dom.contains("<rect class=\"bar running\""))
    }

    @Test("a hostile argv stays text in the browser: no script element, no image")
    func hostileArgv() throws {
        let input = dir + "hostile.ndjson"
        let record = #""host_pid":10,"ns_pid":1,"pidns":7,"comm":"<img src=x>""#
        try """
            {"event":"start","time":"2026-03-02T10:00:00Z","ts_ns":1000,"hostname":"h"}
            {"event":"exec","time":"2026-03-02T10:00:01Z","ts_ns":1000001000,\(record),"argv":["<script>document.title='pwned'</script>"]}
            {"event":"stop","time":"2026-03-02T10:00:02Z","ts_ns":2000001000,"reason":"signal"}

            """.write(toFile: input, atomically: false, encoding: .utf8)
        let page = dir + "hostile.html"
        let r = try runPidtrace(["summary", input, "--html", page])
        #expect(r.status == 0)
        let dom = try chromium("--dump-dom", page)
        #expect(dom.contains("&lt;script&gt;document.title='\\''pwned'\\''&lt;/script&gt;"), "shell-quoted, then escaped")
        #expect(!dom.contains("<script") && !dom.contains("<img") && !dom.contains("pwned</title>"))
    }

    @Test("an --html path that cannot be created is 73, with one line on stderr")
    func cannotCreate() throws {
        let r = try runPidtrace(["summary", "\(Self.fixtures)/restarts.ndjson", "--html", dir + "missing/dir/report.html"])
        #expect(r.status == 73)
        #expect(r.stderr.hasPrefix("pidtrace: error: cannot open \(dir)missing/dir/report.html for writing"))
        #expect(r.stdout.isEmpty)
    }
}
