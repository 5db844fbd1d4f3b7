import Testing
@testable import PidtraceCore

/// Each reply type, from a daemon that answers with something else than it should:
/// the error names the reply and, in one line, the member.
@Suite("Engine API replies: missing and mistyped members, Podman's replies")
struct DockerRepliesTests {
    private static let id = "2e89c798c02c231fdd80f5c31ef5b0ac149d8cd76cc612263784ddcf60a08f88"

    /// The error `call` throws when the daemon answers `body` to `path`.
    private static func error(_ path: String, _ body: String,
                              _ call: (DockerAPI) throws(ContainerError) -> Void) throws -> ContainerError? {
        let peer = try FakeUnixPeer.routes(["/v1.41" + path: (200, Array(body.utf8))])
        do {
            try call(DockerAPI(socketPath: peer.path))
            return nil
        } catch {
            return error
        }
    }

    @Test("GET /version", arguments: [
        (#"{"ApiVersion":"1.41"}"#, "missing Version"),
        (#"{"Version":20,"ApiVersion":"1.41"}"#, "Version is a number, not a string"),
        (#"{"Version":"4","ApiVersion":"1.41","Components":{}}"#, "Components is an object, not an array"),
        (#"{"Version":"4","ApiVersion":"1.41","Components":[{"Name":"Engine"},{}]}"#, "missing Components[1].Name"),
        (#"{"Version":"4","ApiVersion":"1.41","Os":["linux"]}"#, "Os is an array, not a string"),
    ])
    func version(body: String, detail: String) throws {
        #expect(try Self.error("/version", body) { api throws(ContainerError) in _ = try api.version() }
                == .malformedReply(what: "version", detail: detail))
    }

    @Test("GET /containers/json", arguments: [
        (#"{"message":"no"}"#, "the top level is an object, not an array"),
        (#"[{"Id":"a","Names":["/a"]},{"Names":["/b"]}]"#, "missing [1].Id"),
        (#"[{"Id":"a"}]"#, "missing [0].Names"),
        (#"[{"Id":"a","Names":"/a"}]"#, "[0].Names is a string, not an array"),
        (#"[{"Id":"a","Names":["/a",7]}]"#, "[0].Names[1] is a number, not a string"),
        (#"[{"Id":"a","Names":["/a"],"State":3}]"#, "[0].State is a number, not a string"),
        ("[{]", "not JSON"),
    ])
    func containerList(body: String, detail: String) throws {
        #expect(try Self.error("/containers/json", body) { api throws(ContainerError) in _ = try api.containers() }
                == .malformedReply(what: "container list", detail: detail))
    }

    @Test("GET /containers/{id}/json", arguments: [
        (#"{"Name":"/x","State":{"Running":true,"Pid":1}}"#, "missing Id"),
        (#"{"Id":"x","Name":"/x","State":{"Running":true}}"#, "missing State.Pid"),
        (#"{"Id":"x","Name":"/x","State":{"Pid":1}}"#, "missing State.Running"),
        (#"{"Id":"x","Name":"/x","State":{"Running":null,"Pid":1}}"#, "State.Running is null, not a boolean"),
        (#"{"Id":"x","Name":"/x","State":{"Running":true,"Pid":"12"}}"#, "State.Pid is a string, not a 32-bit integer"),
        (#"{"Id":"x","Name":"/x","State":{"Running":true,"Pid":4294967296}}"#, "State.Pid is a number, not a 32-bit integer"),
        (#"{"Id":"x","Name":"/x","State":{"Running":true,"Pid":1,"ExitCode":"0"}}"#, "State.ExitCode is a string, not an integer"),
        (#"{"Id":"x","Name":"/x","State":[],"RestartCount":0}"#, "State is an array, not an object"),
        (#"{"Id":"x","Name":"/x","State":{"Running":true,"Pid":1},"RestartCount":"0"}"#, "RestartCount is a string, not an integer"),
        (#"{"Id":"x","Name":"/x","State":{"Running":true,"Pid":1},"Config":{"Image":1}}"#, "Config.Image is a number, not a string"),
        (#"{"Id":"x","Name":"/x","State":{"Running":true,"Pid":1},"HostConfig":{"PidMode":false}}"#, "HostConfig.PidMode is a boolean, not a string"),
    ])
    func inspect(body: String, detail: String) throws {
        #expect(try Self.error("/containers/x/json", body) { api throws(ContainerError) in _ = try api.inspect("x") }
                == .malformedReply(what: "container x", detail: detail))
    }

    @Test("GET /containers/{id}/json: null where a member is optional is no value")
    func inspectNulls() throws {
        let body = #"{"Id":"x","Name":"/x","State":{"Running":false,"Pid":0,"ExitCode":null,"StartedAt":null},"Config":null,"HostConfig":null}"#
        let peer = try FakeUnixPeer.routes(["/v1.41/containers/x/json": (200, Array(body.utf8))])
        let x = try #require(try DockerAPI(socketPath: peer.path).inspect("x"))
        #expect(x.state.exitCode == nil && x.state.startedAt == nil && x.config == nil && x.hostConfig == nil)
    }

    @Test("an /events line", arguments: [
        (#"{"Type":"container","Action":7,"id":"a"}"#, "Action is a number, not a string"),
        (#"{"Action":"start","Actor":"a"}"#, "Actor is a string, not an object"),
        (#"{"Action":"start","Actor":{"ID":"a","Attributes":{"name":1}}}"#, "Actor.Attributes.name is a number, not a string"),
        (#"{"Action":"start","id":"a","time":"1700000000"}"#, "time is a string, not an integer"),
        (#"{"Action":"start","id":"a","timeNano":1.7e18}"#, "timeNano is a number, not an integer"),
        (#"{"Action":"start","id":"a","time":9300000000}"#, "time is 9300000000, not seconds since 1970 before 2262"),
        ("not json", "not JSON"),
    ])
    func event(line: String, detail: String) {
        #expect(throws: ContainerError.malformedReply(what: "event", detail: detail)) {
            try DockerEvent.decode(line: Array(line.utf8))
        }
    }

    @Test("an /events line: the largest timeNano, escaped and unicode strings")
    func eventValues() throws {
        let line = #"{"Type":"container","Action":"exec_start: sh -c \"echo caf\u00e9 ☕\"","Actor":{"ID":"\#(Self.id)","Attributes":{"name":"w\u00e9b-\ud83d\ude00","label":{"not":"a string"}}},"timeNano":9223372036854775807}"#
        let e = try #require(try DockerEvent.decode(line: Array(line.utf8)))
        #expect(e.action == "exec_start: sh -c \"echo café ☕\"" && e.kind == "exec_start")
        #expect(e.name == "wéb-😀" && e.id == Self.id)
        #expect(e.timeNs == .max)
    }

    @Test("Podman 4.3's replies (recorded): its runtime name, bare names, a pod's shared PID namespace")
    func podman() throws {
        let peer = try FakeUnixPeer.routes([
            "/v1.41/version": (200, try Fixture.bytes("podman/version.json")),
            "/v1.41/containers/json": (200, try Fixture.bytes("podman/containers.json")),
            "/v1.41/containers/pj-web/json": (200, try Fixture.bytes("podman/inspect.json")),
        ])
        let api = DockerAPI(socketPath: peer.path)
        let version = try api.version()
        #expect(version.runtimeName == "podman" && version.version == "4.3.1" && version.apiVersion == "1.41")
        #expect(version.components?.map(\.name) == ["Podman Engine", "Conmon", "OCI Runtime (runc)"])
        #expect(Set(try api.containers().map(\.name)) == ["pj-web", "e489fa01fefa-infra"])
        let web = try #require(try api.inspect("pj-web"))
        #expect(web.name == "/pj-web" && web.state.running && web.state.pid == 27931 && web.restartCount == 0)
        #expect(web.hostConfig?.pidMode == "container:81f6a9c74a96b4d1fbad0fcd4b358e5ffbfcfa71e6b7124fc606714c145fd0f5")
    }

    @Test("Podman 4.3's /events lines (recorded): the pod's infra container, kill without Docker's signal")
    func podmanEvents() throws {
        let lines = try Fixture.bytes("podman/events.ndjson").split(separator: UInt8(ascii: "\n"))
        let events = try lines.compactMap { try DockerEvent.decode(line: Array($0)) }
        try #require(events.count == 11)
        #expect(events.map(\.kind) == ["create", "restart", "init", "start", "init", "start", "kill", "die", "cleanup", "init", "start"])
        #expect(events[0].name == "pj-web" && events[0].timeNs == 1_796_141_482_767_045_430)
        #expect(events[1].name == "e489fa01fefa-infra")
        #expect(events[6].name == "pj-web" && events[6].signal == nil)
        #expect(events[7].exitCode == 143)
    }

    @Test("Docker's and Podman's version replies tell the runtime apart")
    func runtimeName() throws {
        let peer = try Recorded.daemon()
        #expect(try DockerAPI(socketPath: peer.path).version().runtimeName == "docker")
    }
}
