import Foundation
import Glibc
import Testing

/// The DaemonSet's capability set (deploy/daemonset.yaml) against a real pod: enough,
/// and each capability in it needed.
@Suite(.serialized, .requires(.root))
struct DaemonSetCapabilityTests {
    static let capabilities = ["bpf", "perfmon", "sys_ptrace"]

    static func launcher(_ caps: [String]) -> [String] {
        ["/usr/bin/setpriv", "--bounding-set=-all," + caps.map { "+" + $0 }.joined(separator: ","), "--inh-caps=-all", "--"]
    }

    @Test func theDaemonSetsCapabilitiesAreEnoughAndEachIsNeeded() throws {
        let runtime = try ContainerdFixture.runtime()
        let pod = try CRIPod(runtime)
        try pod.run("app", PodTraceTests.busy)
        let arguments = ["--pod", pod.name, "--namespace", pod.namespace, "--runtime-root", runtime.state,
                         "--json", "--duration", "3"]
        let r = try DockerFixture.pidtrace(arguments, via: Self.launcher(Self.capabilities))
        #expect(r.status == 0, "\(r.stderr)")
        let records = try DockerFixture.records(r.stdout)
        #expect(records.contains { $0.event == "exec" && $0["container_name"] as? String == "app" })
        for dropped in Self.capabilities {
            let without = try DockerFixture.pidtrace(arguments, via: Self.launcher(Self.capabilities.filter { $0 != dropped }))
            #expect(without.status == 77, "without \(dropped): \(without.stderr)")
            #expect(without.stderr.split(separator: "\n").count == 1)
            #expect(without.stderr.contains("CAP_" + dropped.uppercased()), "without \(dropped): \(without.stderr)")
        }
        // The manifest asks for exactly these.
        let manifest = URL(fileURLWithPath: ContainerdFixture.scripts).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/daemonset.yaml").path
        let yaml = try String(contentsOfFile: manifest, encoding: .utf8)
        #expect(yaml.contains("add: [" + Self.capabilities.map { $0.uppercased() }.joined(separator: ", ") + "]"))
        #expect(yaml.contains("drop: [ALL]") && !yaml.contains("privileged: true"))
    }
}
