import Testing
@testable import PidtraceCore

@Suite("TerminalText.printable: kernel bytes made safe for a terminal")
struct TablePrintableTests {
    @Test(arguments: [
        (Array("plain text 123".utf8), "plain text 123"),
        (Array("héllo 日本 🐳".utf8), "héllo 日本 🐳"),
        (Array("\u{1b}[31mred".utf8), #"\x1b[31mred"#),
        (Array("a\nb\tc\u{0}".utf8), #"a\x0ab\x09c\x00"#),
        ([0x7f], #"\x7f"#),
        ([0xff, 0x41], #"\xffA"#),
        ([0xe2, 0x82], #"\xe2\x82"#),
        ([0xc0, 0x80], #"\xc0\x80"#),
        ([0xed, 0xa0, 0x80], #"\xed\xa0\x80"#),
        ([0xc2, 0x9b, 0x41], #"\xc2\x9bA"#), // C1 control (CSI)
        ([0xe2, 0x82, 0xc3, 0xa9], #"\xe2\x82é"#),
    ] as [([UInt8], String)])
    func escapes(bytes: [UInt8], shown: String) {
        #expect(TerminalText.printable(bytes) == shown)
    }

    @Test func emptyIsEmpty() {
        #expect(TerminalText.printable([]) == "")
    }
}
