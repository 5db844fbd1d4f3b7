import CPidtrace
import Testing
@testable import PidtraceCore

@Suite("ProcessEvent rejects malformed records")
struct ProcessEventDecodeErrorTests {
    let headerSize = MemoryLayout<pt_event>.size

    @Test func recordShorterThanTheHeader() {
        let bytes = Array(RecordBytes.bytes(RecordBytes.event(kind: .fork)).dropLast())
        #expect(throws: DecodeError.tooShort(size: headerSize - 1, needed: headerSize)) {
            try RecordBytes.decode(bytes)
        }
    }

    @Test func emptyRecord() {
        #expect(throws: DecodeError.tooShort(size: 0, needed: headerSize)) { try RecordBytes.decode([]) }
    }

    @Test(arguments: [0, 8, 99, UInt32.max])
    func unknownKind(kind: UInt32) {
        var raw = RecordBytes.event(kind: .fork)
        raw.kind = kind
        #expect(throws: DecodeError.unknownKind(kind)) { try RecordBytes.decode(RecordBytes.bytes(raw)) }
    }

    @Test(arguments: [32, 33, UInt32.max])
    func levelBeyondTheKernelsMaximum(level: UInt32) {
        var raw = RecordBytes.event(kind: .exit)
        raw.ns_level = level
        #expect(throws: DecodeError.badLevel(level)) { try RecordBytes.decode(RecordBytes.bytes(raw)) }
    }

    @Test func execWhoseArgsLenRunsPastTheRecord() {
        let exec = RecordBytes.exec(RecordBytes.event(kind: .exec), filename: [], args: Array("a\u{0}b\u{0}".utf8))
        // The empty path's NUL and the last byte of the args are missing.
        let bytes = Array(RecordBytes.bytes(exec).dropLast(2))
        #expect(throws: DecodeError.tooShort(size: bytes.count, needed: bytes.count + 1)) {
            try RecordBytes.decode(bytes)
        }
    }

    @Test func execWhoseArgsLenExceedsTheArea() {
        var exec = RecordBytes.exec(RecordBytes.event(kind: .exec), filename: [], args: [])
        exec.base.args_len = UInt32(PT_ARGS_LEN) + 1
        let argsOffset = MemoryLayout<pt_exec_event>.offset(of: \pt_exec_event.strings)!
        // Long enough for args_len, but args_len is past the area the kernel copies.
        let bytes = withUnsafeBytes(of: exec) { Array($0.prefix(argsOffset)) } + [UInt8](repeating: 0, count: Int(PT_ARGS_LEN) + 1)
        #expect(throws: DecodeError.self) { try RecordBytes.decode(bytes) }
    }
}
