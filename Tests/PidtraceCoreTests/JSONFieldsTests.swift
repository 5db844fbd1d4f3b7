import Testing
@testable import PidtraceCore

/// The reader the runtime's replies are decoded with: members by name, and errors
/// that name the member's path.
@Suite("JSONFields: members by name, errors naming the path")
struct JSONFieldsTests {
    struct Point: Equatable { var x: Int32; var label: String?; var tags: [String]? }

    static var point: JSONFields.Kind<Point> {
        .object { json throws(JSONFieldError) in
            Point(x: try json.required("x", .int32), label: try json.optional("label", .string),
                  tags: try json.optional("tags", .array(of: .string)))
        }
    }

    static func decode(_ text: String) throws(JSONFieldError) -> [Point] {
        try JSONFields.Kind.array(of: point).decode(Array(text.utf8))
    }

    @Test("required and optional members; absent or null optional ones are nil; others ignored")
    func members() throws {
        #expect(try Self.decode(#"[{"x":1,"label":"a","tags":["t"],"other":{"deep":[1]}},{"x":-2,"label":null}]"#)
                == [Point(x: 1, label: "a", tags: ["t"]), Point(x: -2, label: nil, tags: nil)])
    }

    @Test("strings keep their escapes' characters and any unicode")
    func strings() throws {
        let points = try Self.decode(#"[{"x":0,"label":"caf\u00e9 \"☕\" \ud83d\ude00\t\\/\/"}]"#)
        #expect(points.first?.label == "café \"☕\" 😀\t\\//")
    }

    @Test("what is wrong is said in one line naming the member",
          arguments: [
            (#"[{"label":"a"}]"#, "missing [0].x"),
            (#"[{"x":1},{"x":"2"}]"#, "[1].x is a string, not a 32-bit integer"),
            (#"[{"x":2147483648}]"#, "[0].x is a number, not a 32-bit integer"),
            (#"[{"x":1.5}]"#, "[0].x is a number, not a 32-bit integer"),
            (#"[{"x":null}]"#, "[0].x is null, not a 32-bit integer"),
            (#"[{"x":1,"tags":"t"}]"#, "[0].tags is a string, not an array"),
            (#"[{"x":1,"tags":["a",{}]}]"#, "[0].tags[1] is an object, not a string"),
            (#"[{"x":1,"label":true}]"#, "[0].label is a boolean, not a string"),
            (#"[[]]"#, "[0] is an array, not an object"),
            (#"{"x":1}"#, "the top level is an object, not an array"),
            ("<html>", "not JSON"),
            ("", "not JSON"),
          ])
    func errors(text: String, message: String) {
        #expect(throws: JSONFieldError.self) { try Self.decode(text) }
        do {
            _ = try Self.decode(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("nested objects name their path with dots")
    func nestedPath() {
        let outer = JSONFields.Kind.object { json throws(JSONFieldError) in
            try json.required("State", .object { json throws(JSONFieldError) in try json.required("Pid", .int) })
        }
        #expect(throws: JSONFieldError.missing(path: "State.Pid")) { try outer.decode(Array(#"{"State":{}}"#.utf8)) }
        #expect(throws: JSONFieldError.missing(path: "State")) { try outer.decode(Array("{}".utf8)) }
    }
}
