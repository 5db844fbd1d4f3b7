import Foundation
import Glibc
import Testing

/// `docker run --pid container:X`: the container joins another's PID namespace, so its
/// init is not PID 1 there (X's is). The summary and its HTML timeline tell the life
/// of the container's own init, and never call it PID 1.
@Suite(.serialized, .requires(.docker))
struct SharedPIDDockerTests {
    @Test func theTimelineTellsTheContainersOwnInit() throws {
        let host = try DockerContainer(["sleep", "600"])
        let side = try DockerContainer(["sh", "-c", "while true; do sleep 1; done"],
                                       options: ["--pid", "container:" + host.id], started: false)
        let tracer = try TracerRun(["--container", side.name, "--wait"])
        try side.start()
        let initPID = try side.hostPID()
        let nsPID = try #require(Kernel.nsPIDs(initPID)?.last)
        try #require(nsPID > 1, "the side container's init is not PID 1 of the shared namespace")
        try tracer.waitFor("an exec in the side container", timeout: 15) { $0.contains { $0.event == "exec" } }
        try DockerFixture.docker(["stop", "-t", "1", side.name])
        try tracer.waitFor("container_exit", timeout: 15) { $0.contains { $0.event == "container_exit" } }
        usleep(300_000)
        try tracer.stop()
        let page = try runPidtrace(["summary", tracer.outputPath, "--html", "-"])
        #expect(page.status == 0, "\(page.stderr)")
        let html = page.stdout
        #expect(html.contains("<span class=\"legend-title\">The container's init ended:</span>"), "\(html)")
        #expect(html.contains("signal to the container's init, label") && html.contains("exec by the container's init</span>"))
        #expect(html.contains(">init = host \(initPID), ns PID \(nsPID) · "), "\(html)")
        #expect(!html.contains(/PID 1(?![0-9])/), "\(html)")
        let text = try runPidtrace(["summary", tracer.outputPath]).stdout
        #expect(text.contains("generation 1: init = host \(initPID), ns PID \(nsPID), pidns "), "\(text)")
    }
}
