import Foundation
import Testing

/// `pidtrace summary` and `pidtrace tree` as a user runs them: output, stderr and exit
/// status. Reading a file needs no privilege, so these run as any user.
@Suite("summary and tree commands: output and exit statuses")
final class SummaryCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PidtraceCoreTests/Fixtures/ndjson").path
    let dir = NSTemporaryDirectory() + "pidtrace-summary-\(UUID().uuidString)/"

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    private func fixture(_ name: String) -> String { "\(Self.fixtures)/\(name).ndjson" }

    @Test("a complete recording: status 0, the story on stdout, nothing on stderr")
    func complete() throws {
        let r = try runPidtrace(["summary", fixture("restarts")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("ended: killed by SIGKILL from host PID 77 (dockerd)"))
        #expect(r.stdout.contains("ended: exit 3"))
        #expect(r.stdout.contains("ended: killed by the OOM killer (memory cgroup 5123)"))
        #expect(r.stderr.isEmpty)
    }

    @Test("--html FILE: the page written, one line on stderr saying where and how many generations")
    func htmlSaysWhereItWrote() throws {
        let page = dir + "timeline.html"
        let r = try runPidtrace(["summary", fixture("restarts"), "--html", page])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        let json = try runPidtrace(["summary", fixture("restarts"), "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let generations = try #require(document["generations"] as? [Any])
        #expect(generations.count > 1)
        #expect(r.stderr == "pidtrace: wrote \(page) (\(generations.count) generations)\n")
        #expect(FileManager.default.fileExists(atPath: page))
        // To standard output the page is the output: nothing on stderr.
        let piped = try runPidtrace(["summary", fixture("restarts"), "--html", "-"])
        #expect(piped.status == 0 && piped.stderr.isEmpty && piped.stdout.hasPrefix("<!DOCTYPE html>"))
    }

    @Test("malformed lines: each named on stderr, the rest summarized, status still 0")
    func malformed() throws {
        let r = try runPidtrace(["summary", fixture("malformed")])
        #expect(r.status == 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.map { $0.split(separator: ":").dropFirst(2).first.map(String.init) } == ["3", "5", "7", "9", "10", "14"])
        #expect(r.stdout.contains("ended: exit 2"))
    }

    @Test("a file of nothing but malformed lines is a data error (65); an empty file too")
    func onlyMalformed() throws {
        let path = dir + "garbage.ndjson"
        try "garbage\n{\"no\":\"event\"}\n[1]\n".write(toFile: path, atomically: false, encoding: .utf8)
        let r = try runPidtrace(["summary", path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("garbage.ndjson:1: ") && r.stderr.contains("garbage.ndjson:3: "))
        #expect(r.stderr.hasSuffix("pidtrace: error: \(path) holds no readable record (3 malformed lines)\n"))
        #expect(r.stdout.isEmpty)
        let empty = dir + "empty.ndjson"
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try runPidtrace(["tree", empty]).status == 65)
    }

    @Test("an unreadable file is 66 with one line; a directory too")
    func unreadable() throws {
        let missing = try runPidtrace(["summary", dir + "missing.ndjson"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "pidtrace: error: cannot read \(dir)missing.ndjson: No such file or directory\n")
        let directory = try runPidtrace(["tree", dir])
        #expect(directory.status == 66)
        #expect(directory.stderr.contains("Is a directory"))
    }

    @Test("--json is one JSON document; - reads standard input")
    func jsonFromStdin() throws {
        let r = try runPidtrace(["summary", "--json", "-"],
                                via: ["/bin/sh", "-c", "exec \"$0\" \"$@\" < '\(fixture("truncated"))'"])
        #expect(r.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let recording = doc?["recording"] as? [String: Any]
        #expect(recording?["complete"] as? Bool == false)
        #expect(recording?["malformed_lines"] as? [Int] == [7])
        #expect(r.stderr.hasPrefix("pidtrace: standard input:7: "))
    }

    @Test("tree: one container's generations; an unknown container is 68")
    func tree() throws {
        let r = try runPidtrace(["tree", fixture("restarts"), "--container", "web"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("4300/1 sh -c start.sh → nginx -g 'daemon off;' (SIGKILL)\n  4301/2 sleep 1 (exit 0, zombie, never reaped)\n"))
        let unknown = try runPidtrace(["tree", fixture("restarts"), "--container", "db"])
        #expect(unknown.status == 68)
        #expect(unknown.stderr.hasSuffix("no container 'db' in \(fixture("restarts")); it has web\n"))
    }

    @Test("bad arguments are usage errors (64)", arguments: [
        ["summary"], ["summary", ""], ["summary", "x.ndjson", "--zombie-after", "-1"],
        ["summary", "x.ndjson", "--zombie-after", "soon"], ["tree", "x.ndjson", "--container", ""],
    ])
    func badArguments(arguments: [String]) throws {
        #expect(try runPidtrace(arguments).status == 64)
    }
}
