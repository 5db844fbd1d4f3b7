import Testing
import PidtraceCore

@Suite("JSONBuffer string escaping")
struct JSONStringEscapingTests {
    /// The JSON text of one string value, without the quotes.
    static func encoded(_ bytes: [UInt8]) -> [UInt8] {
        var out = JSONBuffer()
        out.appendString(bytes)
        return Array(out.bytes.dropFirst().dropLast())
    }

    /// The string a JSON parser reads back from `{"s": <bytes>}`.
    static func parsed(_ bytes: [UInt8]) throws -> String? {
        var out = JSONBuffer()
        out.beginObject()
        out.field("s", string: bytes)
        out.endObject()
        return try JSONLines.object(out.bytes)["s"] as? String
    }

    @Test(arguments: [
        ("say \"hi\"", #"say \"hi\""#),
        (#"C:\dir"#, #"C:\\dir"#),
        ("a\nb\tc\rd", #"a\nb\tc\rd"#),
        ("\u{1}\u{1f}\u{7f}", #"\u0001\u001f\u007f"#),
        ("\u{0}", #"\u0000"#),
    ])
    func escapes(input: String, json: String) throws {
        #expect(Self.encoded(Array(input.utf8)) == Array(json.utf8))
        #expect(try Self.parsed(Array(input.utf8)) == input)
    }

    @Test(arguments: ["héllo", "日本語", "emoji 🐳", "\u{10FFFF}", "\u{80}"])
    func validMultibyteUTF8PassesThrough(text: String) throws {
        #expect(Self.encoded(Array(text.utf8)) == Array(text.utf8))
        #expect(try Self.parsed(Array(text.utf8)) == text)
    }

    @Test(arguments: [
        ([0xff, 0x41], "\u{FFFD}A"),                     // lone invalid byte
        ([0x80, 0x41], "\u{FFFD}A"),                     // lone continuation byte
        ([0xe2, 0x82, 0x41], "\u{FFFD}\u{FFFD}A"),       // truncated 3-byte sequence
        ([0xf0, 0x9f, 0x90], "\u{FFFD}\u{FFFD}\u{FFFD}"), // truncated at the end
        ([0xc0, 0x80, 0x41], "\u{FFFD}\u{FFFD}A"),       // overlong NUL
        ([0xe0, 0x80, 0xaf], "\u{FFFD}\u{FFFD}\u{FFFD}"), // overlong 3-byte form
        ([0xed, 0xa0, 0x80, 0x41], "\u{FFFD}\u{FFFD}\u{FFFD}A"), // UTF-16 surrogate
        ([0xf4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"), // past U+10FFFF
        ([0xe2, 0xc3, 0xa9], "\u{FFFD}é"),               // a new lead byte ends the sequence
    ] as [([UInt8], String)])
    func invalidUTF8BecomesReplacementCharacters(bytes: [UInt8], text: String) throws {
        #expect(Self.encoded(bytes) == Array(text.utf8))
        #expect(try Self.parsed(bytes) == text)
    }

    /// 0xf5...0xff never start a sequence; followed by continuation bytes they
    /// must not pass through raw (that would make the line invalid UTF-8).
    @Test(arguments: [
        [0xff, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80],
    ] as [[UInt8]])
    func bytesThatNeverStartASequence(bytes: [UInt8]) throws {
        let replaced = String(repeating: "\u{FFFD}", count: bytes.count)
        #expect(Self.encoded(bytes) == Array(replaced.utf8))
        #expect(try Self.parsed(bytes) == replaced)
    }
}
