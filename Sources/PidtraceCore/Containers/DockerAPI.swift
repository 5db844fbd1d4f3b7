import FoundationEssentials

/// Where the Docker Engine API listens: `--docker-host`, else `DOCKER_HOST`, else
/// the default socket. Only unix sockets are supported (a TCP daemon would need TLS).
public enum DockerEndpoint {
    public static let defaultSocket = "/var/run/docker.sock"

    /// The socket path for a `unix:///path` URL (or a bare absolute path).
    public static func socketPath(fromURL url: String, source: String) throws(ContainerError) -> String {
        if url.hasPrefix("unix://") {
            let path = String(url.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { throw .unsupportedDockerHost(url, source: source) }
            return path
        }
        if url.hasPrefix("/") { return url }
        throw .unsupportedDockerHost(url, source: source)
    }

    /// `flag` wins over the environment's DOCKER_HOST; an empty DOCKER_HOST counts as unset.
    public static func socketPath(flag: String?, environment: [String: String]) throws(ContainerError) -> String {
        if let flag { return try socketPath(fromURL: flag, source: "--docker-host") }
        if let env = environment["DOCKER_HOST"], !env.isEmpty {
            return try socketPath(fromURL: env, source: "DOCKER_HOST")
        }
        return defaultSocket
    }

    /// The process environment as a dictionary.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in ProcessInfo.processInfo.environment { result[key] = value }
        return result
    }
}

// MARK: Engine API models (only the fields pidtrace uses)

public struct DockerVersion: Decodable, Sendable, Equatable {
    public var version: String
    public var apiVersion: String
    public var minAPIVersion: String?
    public var os: String?
    public var kernelVersion: String?
    /// The daemon's parts: Docker says `Engine`, Podman `Podman Engine`.
    public var components: [Component]?

    public struct Component: Decodable, Sendable, Equatable {
        public var name: String
        enum CodingKeys: String, CodingKey { case name = "Name" }
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion"
        case os = "Os", kernelVersion = "KernelVersion", components = "Components"
    }

    /// `podman` when Podman serves the API, else `docker` (the `runtime` of records).
    public var runtimeName: String {
        components?.contains { $0.name.lowercased().contains("podman") } == true ? "podman" : "docker"
    }
}

/// One entry of `GET /containers/json`.
public struct DockerContainerSummary: Decodable, Sendable, Equatable {
    public var id: String
    /// With the leading '/', as the API gives them.
    public var names: [String]
    public var image: String?
    public var state: String?
    public var status: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id", names = "Names", image = "Image", state = "State", status = "Status"
    }

    /// The first name without its leading '/'.
    public var name: String { names.first.map(DockerAPI.bareName) ?? "" }
    public var isRunning: Bool { state == "running" }
}

/// The part of `GET /containers/{id}/json` that pidtrace uses.
public struct DockerContainerInspect: Decodable, Sendable, Equatable {
    public struct State: Decodable, Sendable, Equatable {
        public var status: String?
        public var running: Bool
        public var restarting: Bool?
        public var pid: Int32
        public var exitCode: Int?
        public var startedAt: String?
        public var finishedAt: String?
        /// Why the runtime's last start of it failed (Docker: runc's message); "" or absent when none.
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", restarting = "Restarting", pid = "Pid"
            case exitCode = "ExitCode", startedAt = "StartedAt", finishedAt = "FinishedAt", error = "Error"
        }
    }

    public struct Config: Decodable, Sendable, Equatable {
        public var image: String?
        enum CodingKeys: String, CodingKey { case image = "Image" }
    }

    public struct HostConfig: Decodable, Sendable, Equatable {
        /// "container:ID" when the container joins another's PID namespace (`--pid
        /// container:X`; Podman's pods with `--share pid` join the infra container's).
        public var pidMode: String?
        enum CodingKeys: String, CodingKey { case pidMode = "PidMode" }
    }

    public var id: String
    /// With the leading '/'.
    public var name: String
    public var state: State
    public var restartCount: Int?
    public var config: Config?
    public var hostConfig: HostConfig?

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", state = "State", restartCount = "RestartCount", config = "Config"
        case hostConfig = "HostConfig"
    }
}

/// One record of the `/events` stream, reduced to what a tracer needs.
public struct DockerEvent: Sendable, Equatable {
    /// "start", "die", "restart", "kill", "stop", "exec_start: sh", ... (Docker's
    /// `Action`, falling back to the older `status`).
    public var action: String
    public var id: String
    public var name: String?
    public var type: String
    /// Seconds and nanoseconds since the epoch (`timeNano` when given).
    public var timeNs: Int64
    public var exitCode: Int?
    /// `kill`: the signal the runtime sent, as it wrote it (Docker: "15"; a name elsewhere).
    public var signal: String?
    /// `start`: the container's restart count, from inspecting it (not in the event).
    public var restartCount: Int?

    public init(action: String, id: String, name: String?, type: String, timeNs: Int64, exitCode: Int? = nil,
                signal: String? = nil) {
        self.action = action
        self.id = id
        self.name = name
        self.type = type
        self.timeNs = timeNs
        self.exitCode = exitCode
        self.signal = signal
    }

    /// The action's first word ("exec_start: sh -c x" → "exec_start").
    public var kind: String { String(action.prefix { $0 != ":" && $0 != " " }) }

    private struct Wire: Decodable {
        struct Actor: Decodable {
            var id: String?
            var attributes: [String: String]?
            enum CodingKeys: String, CodingKey { case id = "ID", attributes = "Attributes" }
        }
        var status: String?
        var id: String?
        var type: String?
        var action: String?
        var actor: Actor?
        var time: Int64?
        var timeNano: Int64?
        enum CodingKeys: String, CodingKey {
            case status, id, type = "Type", action = "Action", actor = "Actor", time, timeNano
        }
    }

    /// Decodes one line of the stream; nil when it is not a container event.
    public static func decode(line: [UInt8]) throws(ContainerError) -> DockerEvent? {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(line))
        } catch {
            throw .malformedReply(what: "event", detail: DockerAPI.describe(error))
        }
        guard wire.type == nil || wire.type == "container" else { return nil }
        guard let action = wire.action ?? wire.status, let id = wire.actor?.id ?? wire.id else { return nil }
        let attributes = wire.actor?.attributes ?? [:]
        return DockerEvent(action: action, id: id, name: attributes["name"], type: wire.type ?? "container",
                           timeNs: wire.timeNano ?? (wire.time ?? 0) * 1_000_000_000,
                           exitCode: attributes["exitCode"].flatMap { Int($0) },
                           signal: attributes["signal"])
    }
}

/// A running `/events` subscription; `stop()` ends it.
public final class DockerEventStream: Sendable {
    private let stream: HTTPLineStream

    init(stream: HTTPLineStream) { self.stream = stream }

    public func stop(wait: Bool = true) { stream.stop(wait: wait) }
}

// MARK: Calls

/// The Docker Engine API (or Podman's compatible one) on a unix socket.
public struct DockerAPI: Sendable {
    /// Paths go to this API version first; a daemon that no longer serves it
    /// (Docker 29 dropped versions below 1.44) gets unversioned paths instead.
    public static let apiVersionPrefix = "/v1.41"

    public var client: UnixHTTPClient
    public var socketPath: String { client.socketPath }

    public init(socketPath: String = DockerEndpoint.defaultSocket, timeout: Double = 10) {
        client = UnixHTTPClient(socketPath: socketPath)
        client.connectTimeout = min(timeout, 5)
        client.readTimeout = timeout
    }

    public func version() throws(ContainerError) -> DockerVersion {
        try decode(DockerVersion.self, what: "version", from: get("/version"))
    }

    /// `GET /containers/json`: the running containers, or all with `all`.
    public func containers(all: Bool = false) throws(ContainerError) -> [DockerContainerSummary] {
        try decode([DockerContainerSummary].self, what: "container list",
                   from: get(all ? "/containers/json?all=1" : "/containers/json"))
    }

    /// `GET /containers/{ref}/json`; nil when the daemon knows no such container.
    public func inspect(_ ref: String) throws(ContainerError) -> DockerContainerInspect? {
        let reply = try get("/containers/\(Self.percentEncode(ref))/json", allowNotFound: true)
        if reply.status == 404 { return nil }
        return try decode(DockerContainerInspect.self, what: "container \(ref)", from: reply)
    }

    /// The events query for container events only.
    public static let containerEventsTarget =
        "/events?filters=" + percentEncode(#"{"type":["container"]}"#)

    /// Subscribes to container events (from `since`, in epoch seconds, when given).
    /// Each event reaches `onEvent` on the stream's own thread, in the daemon's
    /// order; lines that are not decodable container events are skipped. `onEnd` is
    /// called once: nil after `stop()`, else why the stream ended (daemon gone, ...).
    public func events(since: Int64? = nil,
                       onEvent: @escaping @Sendable (DockerEvent) -> Void,
                       onEnd: @escaping @Sendable (ContainerError?) -> Void) -> DockerEventStream {
        var target = Self.apiVersionPrefix + Self.containerEventsTarget
        if let since { target += "&since=\(since)" }
        let path = socketPath
        let stream = client.stream(target, onLine: { line in
            if let event = try? DockerEvent.decode(line: line) { onEvent(event) }
        }, onEnd: { error in
            onEnd(error.map { ContainerError.api($0, socket: path) })
        })
        stream.start()
        return DockerEventStream(stream: stream)
    }

    // MARK: plumbing

    /// GETs `path` under the API version prefix; non-2xx replies become errors.
    func get(_ path: String, allowNotFound: Bool = false) throws(ContainerError) -> HTTPResponse {
        var reply = try send(Self.apiVersionPrefix + path)
        if reply.status == 400, Self.message(reply).contains("too old") || Self.message(reply).contains("minimum") {
            reply = try send(path)
        }
        if (200..<300).contains(reply.status) || (allowNotFound && reply.status == 404) { return reply }
        throw .apiStatus(reply.status, message: Self.message(reply), socket: socketPath)
    }

    private func send(_ target: String) throws(ContainerError) -> HTTPResponse {
        do {
            return try client.get(target)
        } catch {
            throw .api(error, socket: socketPath)
        }
    }

    /// The `message` of a JSON error reply, else the body's start.
    static func message(_ reply: HTTPResponse) -> String {
        struct Message: Decodable { var message: String }
        if let m = try? JSONDecoder().decode(Message.self, from: Data(reply.body)) { return m.message }
        return String(decoding: reply.body.prefix(200).filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") },
                      as: UTF8.self).trimmingSpaces()
    }

    func decode<T: Decodable>(_ type: T.Type, what: String, from reply: HTTPResponse) throws(ContainerError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(reply.body))
        } catch {
            throw .malformedReply(what: what, detail: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            "missing \(path(context.codingPath + [key]))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            "unexpected value at \(path(context.codingPath))"
        case let DecodingError.dataCorrupted(context):
            context.codingPath.isEmpty ? "not JSON" : "bad value at \(path(context.codingPath))"
        default: "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    static func bareName(_ name: String) -> String {
        name.hasPrefix("/") ? String(name.dropFirst()) : name
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xf)])
            }
        }
        return out
    }
}
