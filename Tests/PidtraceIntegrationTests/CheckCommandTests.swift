import Foundation
import Testing

/// `pidtrace check` on the real host: it really loads and attaches the programs.
@Suite(.serialized, .requires(.root))
struct CheckCommandTests {
    @Test func readyHostPassesEveryRequirement() throws {
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
        #expect(byName["Docker API"] != nil)
        let roundTrip = checks.first { $0["check"] as? String == "fork/exec/exit" }?["detail"] as? String ?? ""
        #expect(roundTrip.contains("round trip") && roundTrip.contains("= NSpid:"), "\(roundTrip)")
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
