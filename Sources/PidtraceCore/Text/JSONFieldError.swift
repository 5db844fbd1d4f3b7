/// Why a JSON document is not what its reader expects, said in one line that names
/// the member (`missing State.Pid`, `State.Pid is a string, not a 32-bit integer`):
/// the daemon's reply is out of sight, so the line is all a user has to go on.
enum JSONFieldError: Error, Equatable, CustomStringConvertible {
    case notJSON(JSONParser.Failure)
    /// A required member is absent; the path names it ("State.Pid", "[2].Id").
    case missing(path: String)
    /// A member holds another kind of value than its reader takes.
    case mistyped(path: String, found: String, expected: String)

    var description: String {
        switch self {
        case .notJSON: "not JSON"
        case let .missing(path): "missing \(path)"
        case let .mistyped(path, found, expected): "\(path.isEmpty ? "the top level" : path) is \(found), not \(expected)"
        }
    }

    /// The same error seen from the object that holds `key`. Paths are built here, on
    /// the way out of a failed read, so a read that succeeds builds none.
    func inside(_ key: String) -> Self { prefixed(key) }

    /// The same error seen from the array that holds it at `index`.
    func inside(index: Int) -> Self { prefixed("[\(index)]") }

    private func prefixed(_ outer: String) -> Self {
        func join(_ inner: String) -> String {
            inner.isEmpty ? outer : inner.hasPrefix("[") ? outer + inner : outer + "." + inner
        }
        return switch self {
        case .notJSON: self
        case let .missing(path): .missing(path: join(path))
        case let .mistyped(path, found, expected): .mistyped(path: join(path), found: found, expected: expected)
        }
    }
}

extension JSONValue {
    /// What this value is, for an error that says what was found instead.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
