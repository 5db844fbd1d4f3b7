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

    /// A shell as PID 1 that runs its child without `exec`, stopped by `podman stop`: the
    /// fix offers Podman's own `--init`, and says Podman's commands, never Docker's.
    @Test func theFixNamesPodmansOwnInit() throws {
        let podman = try Podman.runtime()
        let name = "pweb-\(UUID().uuidString.prefix(8).lowercased())"
        let marker = uniqueSleep()
        try podman.output(["run", "-d", "--name", name, Podman.image, "sh", "-c", "sleep \(marker); true"])
        defer { _ = try? podman.podman(["rm", "-f", "-t", "0", name]) }
        let tracer = try TracerRun(["--container", name, "--docker-host", podman.dockerHost])
        try tracer.waitFor("the sleep running", timeout: 15) { $0.contains { $0.event == "snapshot" && $0.strings("argv") == ["sleep", marker] } }
        try podman.output(["stop", "-t", "1", name])
        try tracer.waitFor("container_exit", timeout: 15) { $0.contains { $0.event == "container_exit" } }
        usleep(300_000)
        try tracer.stop()
        let text = try DockerFixture.pidtrace(["summary", tracer.outputPath]).stdout
        #expect(text.contains("Never received SIGTERM: ") && text.contains("(sleep)"), "\(text)")
        #expect(text.contains("or run the container with an init that forwards signals (`podman run --init`)"), "\(text)")
        #expect(!text.contains("docker"), "\(text)")
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
        // catatonit is the pod's, not the app's: no record of it (it was credited to
        // the app while the namespace decided the container).
        #expect(!records.contains { $0.int("host_pid") == infraPID })
        try tracer.stop()
    }

    /// The case: two containers in one pod's PID namespace, followed alone and
    /// together (two tracers at once). Each container is its own cgroup's processes,
    /// its init's start and exit agree, and each story is its own init's: `a` handles
    /// SIGTERM, `b` has no handler and, not being PID 1, is killed by it.
    @Test func twoContainersOfASharedPIDPodFollowedAloneAndTogether() throws {
        let podman = try Podman.runtime()
        let pod = "ppod-\(UUID().uuidString.prefix(8).lowercased())"
        try podman.output(["pod", "create", "--share", "pid", "--name", pod])
        defer { _ = try? podman.podman(["pod", "rm", "-f", "-t", "0", pod]) }
        let a = "\(pod)-a", b = "\(pod)-b"
        try podman.output(["run", "-d", "--pod", pod, "--name", a, Podman.image,
                           "sh", "-c", "trap 'exit 0' TERM; while true; do (sleep 0.3 &); sleep 1; done"])
        try podman.output(["run", "-d", "--pod", pod, "--name", b, Podman.image, "sh", "-c", "while true; do sleep 1; done"])
        let alone = try TracerRun(["--container", a, "--docker-host", podman.dockerHost])
        let both = try TracerRun(["--container", a, "--container", b, "--docker-host", podman.dockerHost], table: true)
        try both.waitFor("an exec in each container", timeout: 15) { records in
            [a, b].allSatisfy { name in records.contains { $0.event == "exec" && $0["container_name"] as? String == name } }
        }
        try alone.waitFor("an exec in a", timeout: 15) { $0.contains { $0.event == "exec" } }
        let aPID = try podman.hostPID(a), bPID = try podman.hostPID(b)
        let infraPID = try podman.hostPID(try podman.output(["pod", "inspect", "-f", "{{.InfraContainerID}}", pod]))
        let aNS = try #require(Kernel.nsPIDs(aPID)?.last), bNS = try #require(Kernel.nsPIDs(bPID)?.last)
        #expect(aNS > 1 && bNS > 1 && Kernel.nsPIDs(infraPID)?.last == 1)
        /// Host PIDs of the processes now in a container's cgroup, from /proc.
        func members(_ name: String) throws -> Set<Int> {
            let id = try podman.output(["inspect", "-f", "{{.Id}}", name])
            let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int.init) ?? []
            return Set(pids.filter { pid in
                (try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8))?.contains("libpod-\(id)") == true
            })
        }
        let aMembers = try members(a), bMembers = try members(b)
        try podman.output(["stop", "-t", "3", b])
        try podman.output(["stop", "-t", "3", a])
        for tracer in [alone, both] {
            try tracer.waitFor("a's container_exit", timeout: 15) { records in
                records.contains { $0.event == "container_exit" && $0["container_name"] as? String == a }
            }
        }
        let aloneRecords = try alone.stop(), bothRecords = try both.stop()
        for (records, followed) in [(aloneRecords, [a]), (bothRecords, [a, b])] {
            let named = records.filter { $0["container_name"] != nil }
            #expect(Set(named.compactMap { $0["container_name"] as? String }) == Set(followed))
            // Not the pod's PID 1, not the other container's processes.
            #expect(!named.contains { $0.int("host_pid") == infraPID })
            for record in named where ["snapshot", "fork", "exec"].contains(record.event) {
                let pid = try #require(record.int("host_pid"))
                let other = record["container_name"] as? String == a ? bMembers : aMembers
                #expect(!other.contains(pid), "\(record)")
            }
            for (name, pid, ns) in [(a, aPID, aNS), (b, bPID, bNS)] where followed.contains(name) {
                let start = try #require(records.first { $0.event == "container_start" && $0["container_name"] as? String == name })
                let exit = try #require(records.first { $0.event == "container_exit" && $0["container_name"] as? String == name })
                #expect(start.int("host_pid") == pid && exit.int("host_pid") == pid)
                #expect(start.int("ns_pid") == ns && exit.int("ns_pid") == ns)
            }
            let aExit = try #require(records.first { $0.event == "container_exit" && $0["container_name"] as? String == a })
            #expect(aExit.int("exit_code") == 0)
        }
        let bExit = try #require(bothRecords.first { $0.event == "container_exit" && $0["container_name"] as? String == b })
        #expect(bExit.int("signal") == 15)
        // The END rows: each container's own ending, under its own name.
        try both.waitForTable(containing: "container \(a) generation 1 ended: exit 0")
        let table = try both.waitForTable(containing: "container \(b) generation 1 ended: killed by SIGTERM")
        #expect(table.contains("The container's init (ns PID \(bNS), sh -c 'while true; do sleep 1; done') received SIGTERM"))
        #expect(!table.contains("PID 1 ("))
        // The summary of the file tells the same.
        let summary = try DockerFixture.pidtrace(["summary", both.outputPath])
        #expect(summary.status == 0)
        #expect(summary.stdout.contains("init = host \(aPID), ns PID \(aNS)"))
        #expect(summary.stdout.contains("init = host \(bPID), ns PID \(bNS)"))
        #expect(!summary.stdout.contains("still running") && !summary.stdout.contains("PID 1 ("))
    }

    /// `ps` lists each container's own processes, not the whole namespace under each.
    @Test func psListsEachContainerOfASharedPIDPodApart() throws {
        let podman = try Podman.runtime()
        let pod = "ppod-\(UUID().uuidString.prefix(8).lowercased())"
        try podman.output(["pod", "create", "--share", "pid", "--name", pod])
        defer { _ = try? podman.podman(["pod", "rm", "-f", "-t", "0", pod]) }
        let a = "\(pod)-a", b = "\(pod)-b"
        for name in [a, b] {
            try podman.output(["run", "-d", "--pod", pod, "--name", name, Podman.image, "sleep", "600"])
        }
        let r = try DockerFixture.pidtrace(["ps", a, b, "--json", "--docker-host", podman.dockerHost])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try DockerFixture.records(r.stdout)
        for name in [a, b] {
            let pid = try podman.hostPID(name)
            let mine = rows.filter { $0["container_name"] as? String == name }
            #expect(mine.compactMap { ($0["host_pid"] as? NSNumber)?.intValue } == [pid])
            #expect((mine.first?["ns_pid"] as? NSNumber)?.intValue == Kernel.nsPIDs(pid)?.last)
        }
    }

    /// --wait for a container created into a pod's PID namespace: never "running at
    /// start". With `podman create` then `podman start` the runtime names it before its
    /// init forks: seen from that fork (Podman's events come ~100 ms late, so `podman run`
    /// is claimed from /proc instead; docs/runtimes.md).
    @Test func waitedContainerJoiningASharedPIDPodIsSeenFromItsInitsFork() throws {
        let podman = try Podman.runtime()
        let pod = "ppod-\(UUID().uuidString.prefix(8).lowercased())"
        try podman.output(["pod", "create", "--share", "pid", "--name", pod])
        defer { _ = try? podman.podman(["pod", "rm", "-f", "-t", "0", pod]) }
        try podman.output(["run", "-d", "--pod", pod, "--name", "\(pod)-a", Podman.image, "sleep", "600"])
        let c = "\(pod)-c"
        let tracer = try TracerRun(["--wait", "--container", c, "--docker-host", podman.dockerHost])
        try podman.output(["create", "--pod", pod, "--name", c, Podman.image, "sh", "-c", "while true; do sleep 1; done"])
        usleep(1_500_000) // the create event's way through Podman's event log
        try podman.output(["start", c])
        let records = try tracer.waitFor("c's exec", timeout: 15) { records in
            records.contains { $0.event == "exec" && $0["container_name"] as? String == c }
        }
        let pid = try podman.hostPID(c)
        let start = try #require(records.first { $0.event == "container_start" })
        #expect(start.int("host_pid") == pid && start.int("ns_pid") == Kernel.nsPIDs(pid)?.last)
        #expect(start["started_at"] == nil)
        // Its init's own fork and exec, no snapshot.
        #expect(records.contains { $0.event == "fork" && $0.int("host_pid") == pid })
        #expect(records.contains { $0.event == "exec" && $0.int("host_pid") == pid })
        #expect(!records.contains { $0.event == "snapshot" })
        try tracer.stop()
    }
}
