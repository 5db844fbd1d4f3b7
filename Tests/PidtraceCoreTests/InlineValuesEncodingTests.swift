import Testing
@testable import PidtraceCore

/// The allocation-free hot path: inline comm and PID chains, and the fast number and
/// name writers, must give exactly what the general code gives.
@Suite("Inline values and fast encoding")
struct InlineValuesEncodingTests {
    static func json(_ body: (inout JSONBuffer) -> Void) -> String {
        var out = JSONBuffer()
        out.beginObject()
        body(&out)
        out.endObject()
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func commStopsAtTheNulAndIgnoresTheOldNamesTail() {
        // "sh", NUL, then what a longer earlier name left behind.
        let raw: [UInt8] = Array("sh".utf8) + [0] + Array("ell-script!!!".utf8)
        let comm = raw.withUnsafeBytes { Comm(raw: $0, offset: 0) }
        #expect(comm.count == 2)
        #expect(comm == "sh")
        #expect(Self.json { $0.field("comm", string: comm) } == #"{"comm":"sh"}"#)
    }

    @Test func commOfSixteenBytesHasNoNul() {
        let raw = Array("abcdefghijklmnop".utf8)
        let comm = raw.withUnsafeBytes { Comm(raw: $0, offset: 0) }
        #expect(comm.count == 16)
        #expect(Array(comm) == raw)
    }

    @Test(arguments: ["a\"b", "a\\b", "tab\there", "bell\u{7}", "del\u{7f}", "caf\u{e9}"])
    func commThatNeedsEscapingTakesTheGeneralPath(name: String) throws {
        let comm = Comm(name.utf8)
        #expect(!comm.isPlainASCII)
        let fast = Self.json { $0.field("comm", string: comm) }
        let general = Self.json { $0.field("comm", string: Array(name.utf8)) }
        #expect(fast == general)
        #expect(try JSONLines.object(Array(fast.utf8))["comm"] as? String == name)
    }

    @Test func printableCommIsPlain() {
        #expect(Comm(" !#~kworker/0:1-ev".utf8).isPlainASCII)
    }

    @Test func pidChainComparesOnlyItsLevels() {
        var raw = [UInt32](repeating: 0xdead, count: PIDChain.capacity)
        raw[0] = 4242
        raw[1] = 1
        let chain = raw.withUnsafeBytes { PIDChain(raw: $0, offset: 0, count: 2) }
        #expect(chain == [4242, 1])
        #expect(Array(chain) == [4242, 1])
        #expect(Self.json { $0.field("ns_pids", pids: chain) } == #"{"ns_pids":[4242,1]}"#)
    }

    @Test func pidChainKeepsEveryKernelLevel() {
        let all = (1...UInt32(PIDChain.capacity)).map { $0 * 1000 }
        #expect(Array(PIDChain(all)) == all)
    }

    /// Every digit-count boundary, both sides, and the extremes.
    static let boundaries: [UInt64] = [0, UInt64.max, UInt64(UInt32.max)]
        + (1...19).flatMap { k -> [UInt64] in
            let p = (0..<k).reduce(UInt64(1)) { r, _ in r * 10 }
            return [p - 1, p, p + 1]
        }

    @Test func decimalsMatchTheStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        let values = Self.boundaries + (0..<2000).map { _ in UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng) }
        for v in values {
            #expect(JSONBuffer.decimalDigits(v) == String(v).count, "digits of \(v)")
            var out = JSONBuffer()
            out.appendDecimal(v)
            #expect(String(decoding: out.bytes, as: UTF8.self) == String(v))
        }
    }

    @Test func narrowIntegersUseTheSameDigits() {
        let text = Self.json {
            $0.field("u32", UInt32.max)
            $0.field("i32", Int32.min)
            $0.field("i32b", Int32(-7))
            $0.field("u64", UInt64.max)
        }
        #expect(text == #"{"u32":4294967295,"i32":-2147483648,"i32b":-7,"u64":18446744073709551615}"#)
    }
}
