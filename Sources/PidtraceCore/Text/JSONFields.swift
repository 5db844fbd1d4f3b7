/// The members of one JSON object, read by name into a typed value: how the container
/// runtime's replies are decoded (`id = try json.required("Id", .string)`). A required
/// member that is absent, or any member of another kind, is a `JSONFieldError` naming
/// its path; members nobody asks for are ignored. The path is added as an error leaves
/// each `required`/`optional` (no read that succeeds builds one), so a nested object is
/// read inside its `.object { }`: a `JSONFields` kept and read later has lost its place.
struct JSONFields {
    private let members: [String: JSONValue]

    fileprivate init(_ members: [String: JSONValue]) { self.members = members }

    func required<T>(_ key: String, _ kind: Kind<T>) throws(JSONFieldError) -> T {
        guard let value = members[key] else { throw .missing(path: key) }
        do {
            return try kind.read(value)
        } catch {
            throw error.inside(key)
        }
    }

    /// nil when the member is absent or null: the Engine API writes an unset one either way.
    func optional<T>(_ key: String, _ kind: Kind<T>) throws(JSONFieldError) -> T? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        do {
            return try kind.read(value)
        } catch {
            throw error.inside(key)
        }
    }

    /// What a value must be to be read as a `T`, and the name an error gives it.
    struct Kind<T> {
        let name: String
        /// nil for a value of another kind.
        let convert: (JSONValue) throws(JSONFieldError) -> T?

        func read(_ value: JSONValue) throws(JSONFieldError) -> T {
            guard let result = try convert(value) else {
                throw .mistyped(path: "", found: value.kindName, expected: name)
            }
            return result
        }

        /// A whole document (a reply's body, one line of a stream) read as a `T`.
        func decode(_ bytes: [UInt8]) throws(JSONFieldError) -> T {
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                throw .notJSON(error)
            }
            return try read(value)
        }
    }
}

extension JSONFields.Kind where T == String {
    static var string: Self { Self(name: "a string") { $0.string } }
}

extension JSONFields.Kind where T == Int {
    static var int: Self { Self(name: "an integer") { $0.int } }
}

extension JSONFields.Kind where T == Int32 {
    static var int32: Self { Self(name: "a 32-bit integer") { $0.int.flatMap(Int32.init(exactly:)) } }
}

extension JSONFields.Kind where T == Bool {
    static var bool: Self { Self(name: "a boolean") { $0.bool } }
}

extension JSONFields.Kind {
    /// An object, built into a `T` by `build` from its members.
    static func object(_ build: @escaping (JSONFields) throws(JSONFieldError) -> T) -> Self {
        Self(name: "an object") { value throws(JSONFieldError) in
            guard case let .object(members) = value else { return nil }
            return try build(JSONFields(members))
        }
    }

    /// An array whose every element is an `element`; an error names the element's index.
    static func array<Element>(of element: JSONFields.Kind<Element>) -> Self where T == [Element] {
        Self(name: "an array") { value throws(JSONFieldError) in
            guard case let .array(items) = value else { return nil }
            var result: [Element] = []
            result.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                do throws(JSONFieldError) {
                    result.append(try element.read(item))
                } catch {
                    throw error.inside(index: index)
                }
            }
            return result
        }
    }
}
