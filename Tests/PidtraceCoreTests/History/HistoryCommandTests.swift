import Foundation
import Testing
@testable import PidtraceCLI
@testable import PidtraceCore

/// `pidtrace history` and `pidtrace why` as a user runs them: the built binary on a
/// history written through the store, its output and its exit statuses.
@Suite("history and why: options, output, exit statuses")
struct HistoryCommandTests {
    @Test(arguments: [["--namespace", "shop"], ["--pod", "web", "--container", "web/app"], ["--since", "yesterday"],
                      ["--state-dir", ""], ["--container", "a/b/c"], ["--pod", "shop/web"], ["--container", ""]])
    func historyRejects(arguments: [String]) {
        #expect(throws: (any Error).self) { try History.parse(arguments) }
    }

    @Test func historyTakesAPodOrAPodsContainer() throws {
        #expect(try History.parse(["--pod", "web", "--namespace", "shop", "--since", "24h"]).filter
            == HistoryFilter(pod: "web", namespace: "shop"))
        #expect(try History.parse(["--container", "web/app", "--namespace", "shop"]).filter
            == HistoryFilter(container: "app", pod: "web", namespace: "shop"))
        #expect(try History.parse([]).state.stateDir == "/var/lib/pidtrace")
    }

    @Test(arguments: [["web", "--namespace", "shop"], ["web", "--generation", "0"], ["web", "--json", "--html", "x"],
                      ["a/b/c"], [""], ["web/app", "--namespace", ""]])
    func whyRejects(arguments: [String]) {
        #expect(throws: (any Error).self) { try Why.parse(arguments) }
    }

    /// A history of real recordings: web-noexec, web-exec, loop11 (8), and app of pod cp1 in shop.
    static func history() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        for name in ["nginx-noexec-stop", "nginx-exec-stop", "crash-loop", "cri-shared-pid-ignores"] {
            for e in try HistoryFixture.entries(name) { try store.commit(e) }
        }
        return dir
    }

    @Test func historyListsEveryEndOldestFirst() throws {
        let dir = try Self.history()
        let r = try HistoryTools.run(HistoryTools.pidtrace, ["history", "--state-dir", dir.path])
        #expect(r.status == 0 && r.stderr.isEmpty)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines[0] == "ENDED                 CONTAINER       GEN  HOW      WHAT HAPPENED")
        #expect(lines[1] == "2026-11-30T13:46:17Z  web-noexec        1  SIGKILL  PID 1 (sh) ignored SIGTERM from runc; SIGKILL from runc 3.0 s later")
        #expect(lines[11] == "2026-12-01T13:59:55Z  cp1/app (shop)    1  SIGKILL  the container's init (sh) ignored SIGTERM from runc; "
            + "SIGKILL from runc 2.0 s later")
        let json = try HistoryTools.run(HistoryTools.pidtrace, ["history", "--state-dir", dir.path, "--pod", "cp1", "--json"])
        let objects = try JSONLines.objects(Array(json.stdout.utf8))
        #expect(objects.count == 1 && objects[0]["container_name"] as? String == "app" && objects[0]["namespace"] as? String == "shop")
        let since = try HistoryTools.run(HistoryTools.pidtrace, ["history", "--state-dir", dir.path, "--container", "loop11",
                                                                 "--since", "2026-11-30T13:46:40Z"])
        #expect(since.stdout.split(separator: "\n").count == 1 + 4)
    }

    @Test func historyOfNothingInThePeriodIsEmptyOfAnUnknownContainer68() throws {
        let dir = try Self.history()
        let empty = try HistoryTools.run(HistoryTools.pidtrace, ["history", "--state-dir", dir.path, "--container", "loop11", "--since", "1s"])
        #expect(empty.status == 0 && empty.stdout.isEmpty)
        #expect(empty.stderr == "pidtrace: no generation ended since 1s in the history in \(dir.path)\n")
        let unknown = try HistoryTools.run(HistoryTools.pidtrace, ["history", "--state-dir", dir.path, "--container", "db"])
        #expect(unknown.status == 68)
        #expect(unknown.stderr == "pidtrace: error: the history in \(dir.path) has no container 'db'; "
            + "it knows: cp1/app (shop), loop11, web-exec, web-noexec\n")
    }

    @Test func whyPrintsTheStoryOfTheLatestEnd() throws {
        let dir = try Self.history()
        let r = try HistoryTools.run(HistoryTools.pidtrace, ["why", "web-noexec", "--state-dir", dir.path])
        #expect(r.status == 0 && r.stderr.isEmpty)
        let summary = try ReportFixture.report("nginx-noexec-stop").summaryText()
        let block = summary.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("container ") }.dropFirst()
        #expect(r.stdout == "container web-noexec (0ef7d9d6a21a): 1 generation in the history\n" + block.joined(separator: "\n"))
        let pod = try HistoryTools.run(HistoryTools.pidtrace, ["why", "cp1/app", "--namespace", "shop", "--state-dir", dir.path])
        #expect(pod.status == 0 && pod.stdout.hasPrefix("container app (4798dfc9903f), pod cp1 in namespace shop: 1 generation in the history\n"))
        let json = try HistoryTools.run(HistoryTools.pidtrace, ["why", "loop11", "--json", "--state-dir", dir.path])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((document["entries"] as? [Any])?.count == 8)
        #expect(((document["story"] as? [String: Any])?["generations"] as? [Any])?.count == 8)
        let html = try HistoryTools.run(HistoryTools.pidtrace, ["why", "loop11", "--html", "-", "--state-dir", dir.path])
        #expect(html.status == 0 && html.stdout.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func whyFailsWithOneLineAndTheRightStatus() throws {
        let dir = try Self.history()
        let store = try HistoryStore.open(directory: dir.path)
        var other = try #require(try HistoryFixture.entries("cri-shared-pid-ignores").first)
        other.namespace = "prod"
        other.endUnixNs += 1_000_000_000 // the last to end
        other.containerID = "0123456789ab" + String(other.containerID.dropFirst(12))
        try store.commit(other)
        for (arguments, status, message) in [
            (["why", "db"], Int32(68), "pidtrace: error: the history in \(dir.path) has no container 'db'; it knows: "
                + "cp1/app (prod), cp1/app (shop), loop11, web-exec, web-noexec\n"),
            (["why", "loop11", "--generation", "9"], 68,
             "pidtrace: error: the history has no generation 9 of 'loop11'; it has 1–8 (`pidtrace history --container loop11`)\n"),
            (["why", "app"], 65, "pidtrace: error: 'app' fits several containers in the history: "
                + "cp1/app --namespace shop; cp1/app --namespace prod\n"),
        ] {
            let r = try HistoryTools.run(HistoryTools.pidtrace, arguments + ["--state-dir", dir.path])
            #expect(r.status == status, "\(arguments)")
            #expect(r.stderr == message)
            #expect(r.stdout.isEmpty)
        }
        let none = try HistoryTools.run(HistoryTools.pidtrace, ["why", "web", "--state-dir", dir.path + "/none"])
        #expect(none.status == 66)
        #expect(none.stderr == "pidtrace: error: no history in \(dir.path)/none: `pidtrace agent --state-dir \(dir.path)/none` writes it\n")
    }
}
