import Foundation
import Glibc
import Synchronization
import Testing
@testable import PidtraceCore

/// Replies recorded from dockerd 20.10 (API 1.41) with two busybox containers,
/// fixture-web (`sleep 3000`) and fixture-db (`--restart=always sh -c 'sleep 3000'`),
/// and a created-but-never-started fixture-stopped.
enum Recorded {
    static let webID = "2e89c798c02c231fdd80f5c31ef5b0ac149d8cd76cc612263784ddcf60a08f88"
    static let dbID = "d0b2bdaa5ea2b31277a19915e3b5ac1b71395c04b238921108563231301745e6"
    static let stoppedID = "67998542431ad3406cb813d9417935b45db41775e45f2d648f79cfadb249cfcd"

    /// A fake daemon serving the recorded replies under /v1.41.
    static func daemon(extra: [String: (Int, [UInt8])] = [:]) throws -> FakeUnixPeer {
        var routes: [String: (Int, [UInt8])] = [
            "/v1.41/version": (200, try Fixture.bytes("docker/version.json")),
            "/v1.41/containers/json": (200, try Fixture.bytes("docker/containers.json")),
            "/v1.41/containers/json?all=1": (200, try Fixture.bytes("docker/containers-all.json")),
            "/v1.41/containers/\(webID)/json": (200, try Fixture.bytes("docker/container-web.json")),
            "/v1.41/containers/\(dbID)/json": (200, try Fixture.bytes("docker/container-db.json")),
            "/v1.41/containers/\(stoppedID)/json": (200, try Fixture.bytes("docker/container-stopped.json")),
        ]
        routes.merge(extra) { $1 }
        return try FakeUnixPeer.routes(routes)
    }
}

@Suite("Docker API models and calls")
struct DockerAPITests {
    @Test("GET /version decodes the recorded reply")
    func version() throws {
        let peer = try Recorded.daemon()
        let v = try DockerAPI(socketPath: peer.path).version()
        #expect(v.version == "20.10.24+dfsg1")
        #expect(v.apiVersion == "1.41")
        #expect(v.os == "linux")
    }

    @Test("GET /containers/json lists the running containers with bare names")
    func containerList() throws {
        let peer = try Recorded.daemon()
        let list = try DockerAPI(socketPath: peer.path).containers()
        #expect(Set(list.map(\.name)) == ["fixture-web", "fixture-db"])
        #expect(list.allSatisfy { $0.isRunning })
        #expect(list.first { $0.name == "fixture-web" }?.id == Recorded.webID)
        let all = try DockerAPI(socketPath: peer.path).containers(all: true)
        #expect(all.count == 3)
        #expect(all.first { $0.id == Recorded.stoppedID }?.state == "created")
    }

    @Test("GET /containers/{id}/json: Id, Name, State, RestartCount, Config.Image")
    func inspect() throws {
        let peer = try Recorded.daemon()
        let web = try #require(try DockerAPI(socketPath: peer.path).inspect(Recorded.webID))
        #expect(web.id == Recorded.webID)
        #expect(web.name == "/fixture-web")
        #expect(web.state.running)
        #expect(web.state.pid == 8422)
        #expect(web.state.startedAt == "2026-11-29T04:43:51.672976074Z")
        #expect(web.restartCount == 0)
        #expect(web.config?.image == "local/busybox")
        let stopped = try #require(try DockerAPI(socketPath: peer.path).inspect(Recorded.stoppedID))
        #expect(!stopped.state.running)
        #expect(stopped.state.pid == 0)
    }

    @Test("an unknown container is nil (404), other errors carry the daemon's message")
    func inspectErrors() throws {
        let peer = try Recorded.daemon(extra: [
            "/v1.41/containers/nope/json": (404, try Fixture.bytes("docker/error-not-found.json")),
            "/v1.41/containers/broken/json": (500, Array(#"{"message":"daemon on fire"}"#.utf8)),
            "/v1.41/containers/garbled/json": (200, Array("<html>".utf8)),
            "/v1.41/containers/partial/json": (200, Array(#"{"Id":"x","Name":"/x"}"#.utf8)),
        ])
        let api = DockerAPI(socketPath: peer.path)
        #expect(try api.inspect("nope") == nil)
        #expect(throws: ContainerError.apiStatus(500, message: "daemon on fire", socket: peer.path)) {
            try api.inspect("broken")
        }
        #expect(throws: ContainerError.malformedReply(what: "container garbled", detail: "not JSON")) {
            try api.inspect("garbled")
        }
        #expect(throws: ContainerError.malformedReply(what: "container partial", detail: "missing State")) {
            try api.inspect("partial")
        }
        #expect(ContainerError.apiStatus(500, message: "m", socket: "/s").exitStatus == .protocolError)
    }

    @Test("a daemon that dropped API 1.41 is asked without the version prefix")
    func tooOldFallsBack() throws {
        let peer = try FakeUnixPeer { request, fd in
            if request.hasPrefix("GET /v1.41/") {
                FakeUnixPeer.send(fd, FakeUnixPeer.reply(status: 400, reason: "Bad Request", body: Array(
                    #"{"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"}"#.utf8)))
            } else if request.hasPrefix("GET /version ") {
                FakeUnixPeer.send(fd, FakeUnixPeer.reply(body: Array(#"{"Version":"29.0.0","ApiVersion":"1.52"}"#.utf8)))
            }
        }
        #expect(try DockerAPI(socketPath: peer.path).version().apiVersion == "1.52")
        #expect(peer.requests.withLock { $0.count } == 2)
    }

    @Test("the events filter is percent-encoded")
    func eventsTarget() {
        #expect(DockerAPI.containerEventsTarget == "/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D")
        #expect(DockerAPI.percentEncode("a-b_c.d~e/f g") == "a-b_c.d~e%2Ff%20g")
        #expect(DockerAPI.percentEncode("é") == "%C3%A9")
    }

    @Test("recorded events decode to action, id, name and time")
    func decodeRecordedEvents() throws {
        let raw = try Fixture.bytes("docker/events-raw.http")
        let lines = raw.split(separator: UInt8(ascii: "\n")).filter { $0.first == UInt8(ascii: "{") }
        let events = try lines.compactMap { try DockerEvent.decode(line: Array($0)) }
        try #require(events.count == 9)
        #expect(events.map(\.kind) == ["kill", "kill", "die", "stop", "start", "restart", "exec_create", "exec_start", "exec_die"])
        #expect(events.allSatisfy { $0.id == Recorded.webID && $0.name == "fixture-web" && $0.type == "container" })
        #expect(events[0].timeNs == 1_795_927_448_318_486_805)
        #expect(events[2].exitCode == 137)
        #expect(events[0].signal == "15" && events[1].signal == "9" && events[2].signal == nil)
        #expect(events[6].action == "exec_create: true ")
    }

    @Test("older daemons without Action/Actor, other types, and garbage")
    func decodeVariants() throws {
        let old = try DockerEvent.decode(line: Array(#"{"status":"start","id":"abc","from":"busybox","time":1700000000}"#.utf8))
        #expect(old == DockerEvent(action: "start", id: "abc", name: nil, type: "container", timeNs: 1_700_000_000_000_000_000))
        #expect(try DockerEvent.decode(line: Array(#"{"Type":"network","Action":"connect","Actor":{"ID":"n"}}"#.utf8)) == nil)
        #expect(throws: ContainerError.self) { try DockerEvent.decode(line: Array("not json".utf8)) }
    }

    @Test("events(): the recorded stream reaches the callback decoded, stop() ends it")
    func eventStream() throws {
        let raw = try Fixture.bytes("docker/events-raw.http")
        let peer = try FakeUnixPeer { _, fd in
            FakeUnixPeer.send(fd, raw)
            FakeUnixPeer.waitForClose(fd)
        }
        let events = Mutex<[DockerEvent]>([])
        let ended = DispatchSemaphore(value: 0)
        let endError = Mutex<ContainerError?>(nil)
        let stream = DockerAPI(socketPath: peer.path).events(onEvent: { e in events.withLock { $0.append(e) } },
                                                              onEnd: { e in endError.withLock { $0 = e }; ended.signal() })
        let deadline = Date().addingTimeInterval(5)
        while events.withLock({ $0.count }) < 9 && Date() < deadline { usleep(10_000) }
        stream.stop()
        #expect(ended.wait(timeout: .now() + 5) == .success)
        #expect(endError.withLock { $0 } == nil)
        #expect(events.withLock { $0.map(\.kind) }.prefix(6) == ["kill", "kill", "die", "stop", "start", "restart"])
        let request = peer.requests.withLock { $0.first } ?? ""
        #expect(request.hasPrefix("GET /v1.41/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D HTTP/1.1"))
    }

    @Test("endpoint: --docker-host, then DOCKER_HOST, then the default; unix only")
    func endpoint() throws {
        #expect(try DockerEndpoint.socketPath(flag: nil, environment: [:]) == "/var/run/docker.sock")
        #expect(try DockerEndpoint.socketPath(flag: nil, environment: ["DOCKER_HOST": ""]) == "/var/run/docker.sock")
        #expect(try DockerEndpoint.socketPath(flag: nil, environment: ["DOCKER_HOST": "unix:///run/podman/podman.sock"])
                == "/run/podman/podman.sock")
        #expect(try DockerEndpoint.socketPath(flag: "unix:///tmp/d.sock", environment: ["DOCKER_HOST": "tcp://h:2375"])
                == "/tmp/d.sock")
        #expect(throws: ContainerError.unsupportedDockerHost("tcp://h:2375", source: "DOCKER_HOST")) {
            try DockerEndpoint.socketPath(flag: nil, environment: ["DOCKER_HOST": "tcp://h:2375"])
        }
        #expect(throws: ContainerError.unsupportedDockerHost("unix://relative.sock", source: "--docker-host")) {
            try DockerEndpoint.socketPath(flag: "unix://relative.sock", environment: [:])
        }
        let error = ContainerError.unsupportedDockerHost("ssh://x", source: "DOCKER_HOST")
        #expect(error.exitStatus == .configuration)
        #expect(error.description.contains("unix socket"))
    }
}
