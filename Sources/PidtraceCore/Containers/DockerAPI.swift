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
        try decode(.object(DockerVersion.init), what: "version", from: get("/version"))
    }

    /// `GET /containers/json`: the running containers, or all with `all`.
    public func containers(all: Bool = false) throws(ContainerError) -> [DockerContainerSummary] {
        try decode(.array(of: .object(DockerContainerSummary.init)), what: "container list",
                   from: get(all ? "/containers/json?all=1" : "/containers/json"))
    }

    /// `GET /containers/{ref}/json`; nil when the daemon knows no such container.
    public func inspect(_ ref: String) throws(ContainerError) -> DockerContainerInspect? {
        let reply = try get("/containers/\(Self.percentEncode(ref))/json", allowNotFound: true)
        if reply.status == 404 { return nil }
        return try decode(.object(DockerContainerInspect.init), what: "container \(ref)", from: reply)
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
        if let message = (try? JSONParser.parse(reply.body))?["message"]?.string { return message }
        return String(decoding: reply.body.prefix(200).filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") },
                      as: UTF8.self).trimmingSpaces()
    }

    /// A reply's body read as `kind`; what it lacks is said in one line naming the field.
    func decode<T>(_ kind: JSONFields.Kind<T>, what: String, from reply: HTTPResponse) throws(ContainerError) -> T {
        do {
            return try kind.decode(reply.body)
        } catch {
            throw .malformedReply(what: what, detail: error.description)
        }
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
