/// One parsed JSON value (JSONParser's), as every reader of JSON in pidtrace sees it.
/// Integers that fit an `Int` stay exact; every other number is a `Double`
/// (possibly infinite: `1e999`), so no input can trap a conversion.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { members[key] } else { nil }
    }

    var int: Int? { if case let .int(v) = self { v } else { nil } }
    var string: String? { if case let .string(v) = self { v } else { nil } }
    var bool: Bool? { if case let .bool(v) = self { v } else { nil } }
    var array: [JSONValue]? { if case let .array(v) = self { v } else { nil } }
    var object: [String: JSONValue]? { if case let .object(v) = self { v } else { nil } }

    /// An array of strings; nil when any element is something else.
    var strings: [String]? {
        guard case let .array(items) = self else { return nil }
        var result: [String] = []
        for item in items {
            guard let s = item.string else { return nil }
            result.append(s)
        }
        return result
    }
}
