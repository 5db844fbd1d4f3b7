import Foundation
import Glibc
import Testing

/// The nginx test images are what issue 11's scenario says they are: a real nginx,
/// as a child of the shell (no exec) or as PID 1 (exec), with the `docker stop`
/// behaviour that follows from it. Checked against /proc and nginx's own PID file.
@Suite(.serialized, .requires(.nginxImages))
struct NginxImageTests {
    @Test func withoutExecTheShellIsPID1AndNginxItsChild() throws {
        let web = try DockerContainer.nginx(.noExec)
        let initPID = try web.hostPID()
        #expect(DockerFixture.comm(initPID) == "start.sh")
        #expect(DockerFixture.nsPIDs(initPID)?.last == 1)

        let masters = DockerFixture.children(initPID).filter { DockerFixture.comm($0) == "nginx" }
        let master = try #require(masters.first, "no nginx child of sh (host PID \(initPID))")
        #expect(masters.count == 1)
        // The PID nginx wrote inside the container is the master's NS-PID, not 1.
        let masterNSPID = try web.nginxMasterNSPID()
        #expect(masterNSPID != 1)
        #expect(DockerFixture.nsPIDs(master) == [master, masterNSPID])
        let workers = DockerFixture.children(master)
        #expect(workers.count == 2 && workers.allSatisfy { DockerFixture.comm($0) == "nginx" })

        // sh ignores SIGTERM as PID 1, so the stop waits out its timeout and kills.
        let started = Date()
        try DockerFixture.dockerOutput(["stop", "-t", "3", web.id])
        let took = Date().timeIntervalSince(started)
        #expect(took >= 2.9 && took < 8, "docker stop -t 3 took \(took) s")
        #expect(try web.inspect("{{.State.ExitCode}}") == "137")
    }

    @Test func withExecNginxIsPID1() throws {
        let web = try DockerContainer.nginx(.exec)
        let initPID = try web.hostPID()
        #expect(DockerFixture.comm(initPID) == "nginx")
        #expect(DockerFixture.nsPIDs(initPID) == [initPID, 1])
        #expect(try web.nginxMasterNSPID() == 1)
        let workers = DockerFixture.children(initPID)
        #expect(workers.count == 2 && workers.allSatisfy { DockerFixture.comm($0) == "nginx" })

        // nginx handles SIGTERM itself: a quick, clean stop.
        let started = Date()
        try DockerFixture.dockerOutput(["stop", "-t", "3", web.id])
        let took = Date().timeIntervalSince(started)
        #expect(took < 2, "docker stop -t 3 took \(took) s")
        #expect(try web.inspect("{{.State.ExitCode}}") == "0")
    }

    @Test func psTakesTheContainerAsAnArgumentAndPutsHostPIDsFirst() throws {
        let web = try DockerContainer.nginx(.noExec)
        let initPID = try web.hostPID()
        let r = try DockerFixture.pidtrace(["ps", web.name])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(rows.first.map { Array($0.prefix(5)) } == ["CONTAINER", "HOST-PID", "HOST-PPID", "NS-PID", "NS-PPID"])
        // PID 1: host PID (docker inspect), then its host parent, NS-PID 1, NS-PPID 0.
        let pid1 = try #require(rows.dropFirst().first { $0.count > 3 && $0[3] == "1" })
        #expect(pid1[0] == Substring(web.name) && pid1[1] == Substring(String(initPID)) && pid1[4] == "0")
        #expect(pid1.suffix(2) == ["/bin/sh", "/start.sh"])
        let master = try web.nginxMasterNSPID()
        #expect(rows.contains { $0.count > 4 && $0[3] == Substring(String(master)) && $0[4] == "1" && $0[5] == "nginx" })
    }
}
