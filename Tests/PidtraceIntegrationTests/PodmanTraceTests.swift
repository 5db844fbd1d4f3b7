import Foundation
import Glibc
import Testing

/// `pidtrace --container` through Podman's Docker-compatible API: a container by
/// name, and a container of a `podman pod --share pid` whose PID 1 is the infra
/// container's catatonit.
@Suite(.serialized, .requires(.root))
struct PodmanTraceTests {
    @Test func containerByNameThroughPodmansAPI() throws {
        let podman = try Podman.runtime()
        let name = "pweb-\(UUID().uuidString.prefix(8).lowercased())"
        let id = try podman.output(["run", "-d", "--name", name, Podman.image,
                                    "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"])
        defer { _ = try? podman.podman(["rm", "-f", "-t", "0", name]) }
        let tracer = try TracerRun(["--container", name, "--docker-host", podman.dockerHost])
        let records = try tracer.waitFor("an exec in the container", timeout: 15) { records in
            records.contains { $0.event == "exec" }
        }
        let initPID = try podman.hostPID(name)
        let start = try #require(records.first { $0.event == "container_start" })
        #expect(start["container_id"] as? String == id && start["container_name"] as? String == name)
        #expect(start.int("host_pid") == initPID && Kernel.nsPIDs(initPID)?.last == 1)
        let exec = try #require(records.first { $0.event == "exec" })
        #expect(exec.int("ns_ppid") == 1 && exec.int("pidns") == Kernel.pidNamespace(initPID))
        for record in records where record["container_id"] != nil {
            #expect(record["runtime"] as? String == "podman")
        }
        try tracer.stop()
    }

    @Test func podWithASharedPIDNamespaceHasCatatonitAsPID1() throws {
        let podman = try Podman.runtime()
        let pod = "ppod-\(UUID().uuidString.prefix(8).lowercased())"
        try podman.output(["pod", "create", "--share", "pid", "--name", pod])
        defer { _ = try? podman.podman(["pod", "rm", "-f", "-t", "0", pod]) }
        let app = "\(pod)-app"
        try podman.output(["run", "-d", "--pod", pod, "--name", app, Podman.image,
                           "sh", "-c", "trap 'exit 0' TERM; while true; do (sleep 0.3 &); sleep 1; done"])
        let tracer = try TracerRun(["--container", app, "--docker-host", podman.dockerHost])
        let records = try tracer.waitFor("an orphan reaped by the pod's PID 1", timeout: 15) { records in
            records.contains { $0.event == "reap" && $0["reparented_to_ns_init"] as? Bool == true }
        }
        let appPID = try podman.hostPID(app)
        let infraPID = try podman.hostPID(try podman.output(["pod", "inspect", "-f", "{{.InfraContainerID}}", pod]))
        // catatonit is PID 1; the app's entrypoint is not.
        #expect(Kernel.nsPIDs(infraPID)?.last == 1)
        #expect((Kernel.nsPIDs(appPID)?.last ?? 1) > 1)
        #expect(Kernel.pidNamespace(appPID) == Kernel.pidNamespace(infraPID))
        let reap = try #require(records.first { $0.event == "reap" && $0["reparented_to_ns_init"] as? Bool == true })
        let reaper = try #require(reap["reaper"] as? [String: Any])
        #expect((reaper["host_pid"] as? NSNumber)?.intValue == infraPID)
        #expect((reaper["comm"] as? String) == "catatonit")
        #expect(reap["container_name"] as? String == app && reap["runtime"] as? String == "podman")
        let start = try #require(records.first { $0.event == "container_start" })
        #expect(start.int("host_pid") == appPID && start.int("ns_pid") == Kernel.nsPIDs(appPID)?.last)
        let snapshot = try #require(records.first { $0.event == "snapshot" && $0.int("host_pid") == appPID })
        #expect(snapshot.ints("ns_pids") == Kernel.nsPIDs(appPID))
        try tracer.stop()
    }
}
