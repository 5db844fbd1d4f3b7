import Foundation
import Testing
@testable import PidtraceCore

@Suite("summary report: the bounded NDJSON line reader")
struct ReportLineReaderTests {
    private func lines(_ bytes: [UInt8], max: Int = 16) throws -> [NDJSONLineReader.Line] {
        let dir = TemporaryDirectory("pidtrace-lines")
        let path = dir.path + "/x.ndjson"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let reader = try NDJSONLineReader(path: path, maxLineBytes: max)
        var result: [NDJSONLineReader.Line] = []
        while let line = try reader.next() { result.append(line) }
        return result
    }

    @Test("lines are numbered from 1; a last line without newline counts; empty lines keep their number")
    func numbering() throws {
        #expect(try lines(Array("a\n\nbc".utf8)) == [
            .text(number: 1, bytes: Array("a".utf8)), .text(number: 2, bytes: []), .text(number: 3, bytes: Array("bc".utf8)),
        ])
        #expect(try lines([]) == [])
    }

    @Test("a line over the limit is skipped whole, even across read chunks")
    func overLong() throws {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 200_000)
        #expect(try lines(long + Array("\nok\n".utf8) + long, max: 100_000) == [
            .tooLong(number: 1), .text(number: 2, bytes: Array("ok".utf8)), .tooLong(number: 3),
        ])
        #expect(try lines(Array("0123456789abcdef\n".utf8)) == [.text(number: 1, bytes: Array("0123456789abcdef".utf8))])
    }
}
