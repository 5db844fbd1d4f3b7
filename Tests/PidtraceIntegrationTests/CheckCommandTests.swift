import Foundation
import Testing

/// `pidtrace check` on the real host: it really loads and attaches the programs.
@Suite(.serialized, .requires(.root))
struct CheckCommandTests {
    @Test(.requires(.docker)) func readyHostPassesEveryRequirement() throws {
        let r = try runPidtrace(["check", "--json"])
        #expect(r.status == 0, "\(r.stdout)")
        let checks = r.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        let byName = Dictionary(uniqueKeysWithValues: checks.compactMap { c in
            (c["check"] as? String).map { ($0, c["status"] as? String ?? "") }
        })
        for required in ["kernel", "BTF", "capabilities", "tracepoints", "BPF attach", "fork/exec/exit",
                         "signal", "oom_kill", "reap", "output directory"] {
            #expect(byName[required] == "OK", "\(required)")
        }
        #expect(byName["Docker API"] == "OK", "the daemon make test runs answers")
        let roundTrip = checks.first { $0["check"] as? String == "fork/exec/exit" }?["detail"] as? String ?? ""
        #expect(roundTrip.contains("round trip") && roundTrip.contains("= NSpid:"), "\(roundTrip)")
    }

    /// The Docker API check asks the daemon it is pointed at, and says what answered:
    /// a fake daemon serving dockerd's recorded /version reply, then nothing at all.
    @Test func dockerAPICheckReportsTheDaemonThatAnswers() throws {
        let version = try Data(contentsOf: RecordedDockerReplies.fixtures.appendingPathComponent("version.json"))
        let peer = try FakeDockerPeer { target, fd in
            let found = target.split(separator: "?").first?.hasSuffix("/version") == true
            FakeDockerPeer.send(fd, found ? FakeDockerPeer.reply(body: Array(version))
                                          : FakeDockerPeer.reply(status: 404, reason: "Not Found", body: Array("{}".utf8)))
            return false
        }
        let answered = try runPidtrace(["check", "--json", "--docker-host", "unix://" + peer.path])
        let docker = try #require(Self.checks(answered.stdout).first { $0["check"] as? String == "Docker API" })
        #expect(docker["status"] as? String == "OK", "\(docker)")
        #expect(docker["detail"] as? String == "\(peer.path): Engine 20.10.24+dfsg1, API 1.41")
        #expect(peer.received("/version"))

        peer.shutdown()
        let silent = try runPidtrace(["check", "--json", "--docker-host", "unix://" + peer.path])
        let missing = try #require(Self.checks(silent.stdout).first { $0["check"] as? String == "Docker API" })
        #expect(missing["status"] as? String == "WARN", "\(missing)")
    }

    static func checks(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    @Test func missingCapabilitiesFailWithTheFix() throws {
        let r = try runPidtrace(["check", "--docker-host", "unix:///nonexistent.sock"],
                                via: ["/usr/bin/setpriv", "--bounding-set=-bpf,-perfmon,-sys_admin"])
        #expect(r.status == 69)
        #expect(r.stdout.contains("FAIL capabilities") && r.stdout.contains("fix: run as root"))
        #expect(r.stdout.contains("WARN Docker API"))
        #expect(!r.stdout.contains("BPF attach"), "no attach attempted without privilege")
    }

    @Test func unwritableOutputDirectoryFails() throws {
        let r = try runPidtrace(["check", "--output-dir", "/proc/1"])
        #expect(r.status == 69)
        #expect(r.stdout.contains("FAIL output directory"))
    }
}
