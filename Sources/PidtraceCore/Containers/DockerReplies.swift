// The Engine API's replies (Docker's, and Podman's compatible one), only the fields
// pidtrace uses, each read from the reply's JSON by name (`JSONFields`).

/// `GET /version`.
public struct DockerVersion: Sendable, Equatable {
    public var version: String
    public var apiVersion: String
    public var minAPIVersion: String?
    public var os: String?
    public var kernelVersion: String?
    /// The daemon's parts: Docker says `Engine`, Podman `Podman Engine`.
    public var components: [Component]?

    public struct Component: Sendable, Equatable {
        public var name: String
    }

    /// `podman` when Podman serves the API, else `docker` (the `runtime` of records).
    public var runtimeName: String {
        components?.contains { $0.name.lowercased().contains("podman") } == true ? "podman" : "docker"
    }
}

extension DockerVersion {
    init(_ json: JSONFields) throws(JSONFieldError) {
        version = try json.required("Version", .string)
        apiVersion = try json.required("ApiVersion", .string)
        minAPIVersion = try json.optional("MinAPIVersion", .string)
        os = try json.optional("Os", .string)
        kernelVersion = try json.optional("KernelVersion", .string)
        components = try json.optional("Components", .array(of: .object { json throws(JSONFieldError) in
            Component(name: try json.required("Name", .string))
        }))
    }
}

/// One entry of `GET /containers/json`.
public struct DockerContainerSummary: Sendable, Equatable {
    public var id: String
    /// With the leading '/', as the API gives them.
    public var names: [String]
    public var image: String?
    public var state: String?
    public var status: String?

    /// The first name without its leading '/'.
    public var name: String { names.first.map(DockerName.bare) ?? "" }
    public var isRunning: Bool { state == "running" }
}

extension DockerContainerSummary {
    init(_ json: JSONFields) throws(JSONFieldError) {
        id = try json.required("Id", .string)
        names = try json.required("Names", .array(of: .string))
        image = try json.optional("Image", .string)
        state = try json.optional("State", .string)
        status = try json.optional("Status", .string)
    }
}

/// The part of `GET /containers/{id}/json` that pidtrace uses.
public struct DockerContainerInspect: Sendable, Equatable {
    public struct State: Sendable, Equatable {
        public var status: String?
        public var running: Bool
        public var restarting: Bool?
        public var pid: Int32
        public var exitCode: Int?
        public var startedAt: String?
        public var finishedAt: String?
        /// Why the runtime's last start of it failed (Docker: runc's message); "" or absent when none.
        public var error: String?
    }

    public struct Config: Sendable, Equatable {
        public var image: String?
    }

    public struct HostConfig: Sendable, Equatable {
        /// "container:ID" when the container joins another's PID namespace (`--pid
        /// container:X`; Podman's pods with `--share pid` join the infra container's).
        public var pidMode: String?
    }

    public var id: String
    /// With the leading '/'.
    public var name: String
    public var state: State
    public var restartCount: Int?
    public var config: Config?
    public var hostConfig: HostConfig?
}

extension DockerContainerInspect {
    init(_ json: JSONFields) throws(JSONFieldError) {
        id = try json.required("Id", .string)
        name = try json.required("Name", .string)
        state = try json.required("State", .object(State.init))
        restartCount = try json.optional("RestartCount", .int)
        config = try json.optional("Config", .object { json throws(JSONFieldError) in
            Config(image: try json.optional("Image", .string))
        })
        hostConfig = try json.optional("HostConfig", .object { json throws(JSONFieldError) in
            HostConfig(pidMode: try json.optional("PidMode", .string))
        })
    }
}

extension DockerContainerInspect.State {
    init(_ json: JSONFields) throws(JSONFieldError) {
        status = try json.optional("Status", .string)
        running = try json.required("Running", .bool)
        restarting = try json.optional("Restarting", .bool)
        pid = try json.required("Pid", .int32)
        exitCode = try json.optional("ExitCode", .int)
        startedAt = try json.optional("StartedAt", .string)
        finishedAt = try json.optional("FinishedAt", .string)
        error = try json.optional("Error", .string)
    }
}

/// Docker writes a container's name with a leading '/' (its place in the old links
/// tree); pidtrace shows and matches names without it.
enum DockerName {
    static func bare(_ name: String) -> String {
        name.hasPrefix("/") ? String(name.dropFirst()) : name
    }
}
