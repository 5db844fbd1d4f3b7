import Testing
@testable import PidtraceCore

@Suite("the JSON parser (recordings, runtime replies)")
struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test("objects, arrays, literals, escapes and surrogate pairs")
    func values() throws {
        let v = try parse(#" {"a":[1,-2,3.5,true,false,null],"s":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} "#)
        #expect(v["a"] == .array([.int(1), .int(-2), .double(3.5), .bool(true), .bool(false), .null]))
        #expect(v["s"]?.string == "x\"\\/\u{8}\u{c}\n\r\té😀")
    }

    @Test("numbers past Int become Double, never a trap; Int.min is kept out of the exact range")
    func hugeNumbers() throws {
        #expect(try parse("99999999999999999999999") == .double(1e23))
        #expect(try parse("1e999") == .double(.infinity))
        #expect(try parse("-1e999") == .double(-.infinity))
        #expect(try parse("1e-999") == .double(0))
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .double(-9223372036854775808))
        #expect(try parse("1" + String(repeating: "0", count: 100_000)) == .double(.infinity))
    }

    @Test("nesting past the limit is an error at the byte that goes too deep")
    func depth() throws {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try parse(ok) }
        #expect(throws: JSONParser.Failure(offset: 64, reason: "nesting deeper than 64")) {
            try parse(String(repeating: "[", count: 10_000))
        }
        #expect(throws: JSONParser.Failure(offset: 320, reason: "nesting deeper than 64")) {
            try parse(String(repeating: #"{"a":"#, count: 10_000))
        }
    }

    @Test("invalid UTF-8 inside a string becomes U+FFFD; a lone surrogate escape too")
    func invalidUTF8() throws {
        let v = try JSONParser.parse([0x22, 0x61, 0xff, 0xc0, 0x80, 0x62, 0x22])
        #expect(v.string == "a\u{fffd}\u{fffd}\u{fffd}b")
        #expect(try parse(#""\ud800x""#).string == "\u{fffd}x")
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0xff]) }
    }

    @Test("what is not JSON is an error with its position",
          arguments: [
            ("", "unexpected end of line", 0), ("{", "expected a key", 1), ("[1,]", "unexpected character", 3),
            ("01", "text after the JSON value", 1), ("-", "malformed number", 1), ("1.", "malformed number", 2),
            ("1e", "malformed number", 2), ("tru", "unknown literal", 0), ("\"a\u{1}\"", "control character in a string", 2),
            ("\"\\x\"", "unknown escape", 3), ("\"\\u12zz\"", "bad hex digit in \\u escape", 5),
            ("\"\\u1\"", "short \\u escape", 3), ("{\"a\" 1}", "expected ':'", 5),
            ("{\"a\":1 2}", "expected ',' or '}'", 7), ("[1 2]", "expected ',' or ']'", 3), ("\"abc", "unterminated string", 4),
          ])
    func errors(text: String, reason: String, offset: Int) {
        #expect(throws: JSONParser.Failure(offset: offset, reason: reason)) { try parse(text) }
    }
}
