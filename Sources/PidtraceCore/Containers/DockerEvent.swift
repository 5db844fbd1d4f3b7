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

    /// Decodes one line of the stream; nil when it is not a container event.
    public static func decode(line: [UInt8]) throws(ContainerError) -> DockerEvent? {
        do {
            return try JSONFields.Kind.object(Self.init(event:)).decode(line)
        } catch {
            throw .malformedReply(what: "event", detail: error.description)
        }
    }

    /// nil for another type's event, or one without an action or a container ID.
    /// Older daemons write `status` and `id` instead of `Action` and `Actor.ID`.
    private init?(event json: JSONFields) throws(JSONFieldError) {
        let type = try json.optional("Type", .string)
        let actor = try json.optional("Actor", .object(Actor.init))
        let action = try json.optional("Action", .string), status = try json.optional("status", .string)
        let oldID = try json.optional("id", .string)
        guard type == nil || type == "container", let action = action ?? status, let id = actor?.id ?? oldID else {
            return nil
        }
        let attributes = actor?.attributes
        self.init(action: action, id: id, name: attributes?.name, type: type ?? "container",
                  timeNs: try Self.timeNs(json), exitCode: attributes?.exitCode.flatMap { Int($0) },
                  signal: attributes?.signal)
    }

    /// The container an event is about.
    private struct Actor {
        var id: String?
        var attributes: Attributes?

        init(_ json: JSONFields) throws(JSONFieldError) {
            id = try json.optional("ID", .string)
            attributes = try json.optional("Attributes", .object(Attributes.init))
        }
    }

    /// The attributes pidtrace reads; the others (the container's labels among them)
    /// are left unread.
    private struct Attributes {
        var name, exitCode, signal: String?

        init(_ json: JSONFields) throws(JSONFieldError) {
            name = try json.optional("name", .string)
            exitCode = try json.optional("exitCode", .string)
            signal = try json.optional("signal", .string)
        }
    }

    /// `timeNano`, else `time` in seconds; 0 when neither is given.
    private static func timeNs(_ json: JSONFields) throws(JSONFieldError) -> Int64 {
        if let ns = try json.optional("timeNano", .int) { return Int64(ns) }
        let seconds = try json.optional("time", .int) ?? 0
        let (ns, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { throw .mistyped(path: "time", found: "\(seconds)", expected: "seconds since 1970 before 2262") }
        return ns
    }
}
