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

/// deploy/daemonset.yaml runs `pidtrace agent`: the manifest read as Kubernetes would
/// (Python's yaml), its parts consistent with one another and with the CLI, and its
/// arguments run for real under its capability set against a real pod.
@Suite(.serialized, .requires(.root))
struct DaemonSetAgentTests {
    static var manifestPath: String {
        URL(fileURLWithPath: ContainerdFixture.scripts).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/daemonset.yaml").path
    }

    /// The manifest as JSON, through Debian's python3-yaml (no kubelet here).
    static func manifest() throws -> [String: Any] {
        let r = try DockerFixture.execute("/usr/bin/python3", ["-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", manifestPath], timeout: 30)
        guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        else { throw HarnessError("python3 yaml could not read \(manifestPath): \(r.stderr)") }
        return object
    }

    static func dig(_ object: Any?, _ path: String...) -> Any? {
        path.reduce(object) { node, key in
            if let index = Int(key) { return (node as? [Any]).flatMap { index < $0.count ? $0[index] : nil } }
            return (node as? [String: Any])?[key]
        }
    }

    /// The value after `option` in `args`.
    static func value(_ option: String, in args: [String]) -> String? {
        args.firstIndex(of: option).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
    }

    /// Kubernetes quantities as the manifest writes them (Mi, Gi).
    static func bytes(_ quantity: String?) -> Int? {
        guard let quantity else { return nil }
        for (suffix, scale) in [("Mi", 1 << 20), ("Gi", 1 << 30)] where quantity.hasSuffix(suffix) {
            return Int(quantity.dropLast(2)).map { $0 * scale }
        }
        return nil
    }

    @Test func theManifestRunsTheAgentAndItsPartsAgree() throws {
        let m = try Self.manifest()
        #expect(m["kind"] as? String == "DaemonSet")
        let pod = try #require(Self.dig(m, "spec", "template") as? [String: Any])
        #expect(Self.dig(pod, "spec", "hostPID") as? Bool == true)
        let container = try #require(Self.dig(pod, "spec", "containers", "0") as? [String: Any])
        let args = try #require(container["args"] as? [String])
        #expect(args.first == "agent", "\(args)")
        // The history on the node, writable, in a hostPath the kubelet creates.
        let stateDir = try #require(Self.value("--state-dir", in: args))
        let mounts = container["volumeMounts"] as? [[String: Any]] ?? []
        let volumes = Self.dig(pod, "spec", "volumes") as? [[String: Any]] ?? []
        let stateMount = try #require(mounts.first { $0["mountPath"] as? String == stateDir }, "no mount at \(stateDir)")
        #expect(stateMount["readOnly"] as? Bool != true)
        let stateVolume = try #require(volumes.first { $0["name"] as? String == stateMount["name"] as? String })
        #expect(Self.dig(stateVolume, "hostPath", "path") as? String == "/var/lib/pidtrace")
        #expect(Self.dig(stateVolume, "hostPath", "type") as? String == "DirectoryOrCreate")
        // Every other mount read-only; every mount has its volume.
        for mount in mounts {
            #expect(volumes.contains { $0["name"] as? String == mount["name"] as? String }, "\(mount)")
            if mount["mountPath"] as? String != stateDir { #expect(mount["readOnly"] as? Bool == true, "\(mount)") }
        }
        // Pods are found where the agent looks by default (CRI state: containerd's bundles).
        #expect(mounts.contains { $0["mountPath"] as? String == "/run/containerd/io.containerd.runtime.v2.task" })
        #expect(mounts.contains { $0["mountPath"] as? String == "/sys/kernel/btf" })
        #expect(Self.value("--runtime-root", in: args) == nil, "the default roots are the mounted paths")
        // Metrics: on every address of the pod (Prometheus scrapes its IP), the port named
        // `metrics`, the scrape annotations and the readiness probe on /healthz agree.
        let address = try #require(Self.value("--metrics-address", in: args))
        #expect(address == "0.0.0.0:9464")
        let ports = container["ports"] as? [[String: Any]] ?? []
        let metrics = try #require(ports.first { $0["name"] as? String == "metrics" })
        #expect((metrics["containerPort"] as? NSNumber)?.intValue == 9464)
        let annotations = Self.dig(pod, "metadata", "annotations") as? [String: String] ?? [:]
        #expect(annotations == ["prometheus.io/scrape": "true", "prometheus.io/port": "9464", "prometheus.io/path": "/metrics"])
        #expect(Self.dig(container, "readinessProbe", "httpGet", "path") as? String == "/healthz")
        #expect(Self.dig(container, "readinessProbe", "httpGet", "port") as? String == "metrics")
        // Least privilege, as DaemonSetCapabilityTests proves it is enough.
        let security = container["securityContext"] as? [String: Any] ?? [:]
        #expect(Self.dig(security, "capabilities", "add") as? [String] == ["BPF", "PERFMON", "SYS_PTRACE"])
        #expect(Self.dig(security, "capabilities", "drop") as? [String] == ["ALL"])
        #expect(security["privileged"] as? Bool == false && security["readOnlyRootFilesystem"] as? Bool == true)
        let request = try #require(Self.bytes(Self.dig(container, "resources", "requests", "memory") as? String))
        let limit = try #require(Self.bytes(Self.dig(container, "resources", "limits", "memory") as? String))
        #expect(request >= 48 << 20 && limit >= 2 * request, "requests \(request), limits \(limit)")
    }

    /// The manifest's own arguments (the state directory and address moved to this test's),
    /// under exactly its capabilities: a pod container's end is in the history, and /healthz
    /// answers; without any one of them, status 77.
    @Test func theManifestsAgentRunsWithItsCapabilities() throws {
        let runtime = try ContainerdFixture.runtime()
        let container = try #require(Self.dig(try Self.manifest(), "spec", "template", "spec", "containers", "0") as? [String: Any])
        let stateDir = NSTemporaryDirectory() + "pidtrace-ds-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let port = try freeLoopbackPort()
        let args = (container["args"] as? [String] ?? []).map {
            $0 == "/var/lib/pidtrace" ? stateDir : $0 == "0.0.0.0:9464" ? "127.0.0.1:\(port)" : $0
        } + ["--runtime-root", runtime.state, "-o", stateDir + ".ndjson"]
        defer { try? FileManager.default.removeItem(atPath: stateDir + ".ndjson") }
        let launcher = DaemonSetCapabilityTests.launcher(DaemonSetCapabilityTests.capabilities)
        for dropped in DaemonSetCapabilityTests.capabilities {
            let without = try DockerFixture.pidtrace(
                args, via: DaemonSetCapabilityTests.launcher(DaemonSetCapabilityTests.capabilities.filter { $0 != dropped }))
            #expect(without.status == 77, "without \(dropped): \(without.stderr)")
            #expect(without.stderr.contains("CAP_" + dropped.uppercased()), "without \(dropped): \(without.stderr)")
        }

        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: launcher[0])
        agent.arguments = Array(launcher.dropFirst()) + [DockerFixture.pidtraceBinary] + args
        let stderr = Pipe()
        agent.standardError = stderr
        agent.standardOutput = FileHandle.nullDevice
        try agent.run()
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() } }
        try waitUntil(timeout: 20, "/healthz 200") {
            (try? LoopbackHTTPClient.get("/healthz", port: port).status) == 200 || !agent.isRunning
        }
        #expect(agent.isRunning, "\(String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self))")
        let pod = try CRIPod(runtime)
        // At its start the agent's reader first follows every container running on the
        // host (other suites' too: seconds), and a new container's ID comes from its
        // init's /proc/PID/cgroup when its fork is read: an init gone by then is not
        // followed. Once a long-lived one is seen start, the reader has caught up.
        let canary = try pod.run("canary", PodTraceTests.busy)
        try waitUntil(timeout: 30, "the agent to follow the canary") {
            ((try? String(contentsOfFile: stateDir + ".ndjson", encoding: .utf8)) ?? "").contains(canary)
        }
        let job = try pod.run("job", ["sh", "-c", "sleep 0.5; exit 3"])
        try DockerFixture.waitFor("the job's end in the history", timeout: 20) {
            try AgentTests.history(stateDir).contains { $0["container_id"] as? String == job }
        }
        kill(agent.processIdentifier, SIGINT)
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)
        let entry = try #require(try AgentTests.history(stateDir).first { $0["container_id"] as? String == job })
        #expect(entry["pod"] as? String == pod.name && entry["container_name"] as? String == "job", "\(entry)")
        #expect(entry["how"] as? String == "exit" && entry.int("exit_code") == 3 && entry["cause"] as? String == "container",
                "\(entry)")
    }
}
