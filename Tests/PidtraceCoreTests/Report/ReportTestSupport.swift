import Foundation
@testable import PidtraceCore

/// Recorded NDJSON under Fixtures/ndjson, and reports read from bytes written to a
/// temporary file (through the same reader `pidtrace summary` uses).
enum ReportFixture {
    static func path(_ name: String) -> String {
        Fixture.directory.appendingPathComponent("ndjson/\(name).ndjson").path
    }

    static func report(_ name: String, lateReapNs: Int = TraceReport.defaultLateReapNs) throws -> TraceReport {
        try TraceReport.read(path: path(name), lateReapNs: lateReapNs)
    }

    static func lines(_ name: String) throws -> [[UInt8]] {
        try Fixture.bytes("ndjson/\(name).ndjson").split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map(Array.init)
    }

    static func report(bytes: [UInt8], in directory: TemporaryDirectory, maxLineBytes: Int = 1 << 20) throws -> TraceReport {
        let path = directory.path + "/case.ndjson"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw CocoaError(.fileWriteUnknown) }
        return try TraceReport.read(path: path, maxLineBytes: maxLineBytes)
    }

    static func report(text: String, in directory: TemporaryDirectory) throws -> TraceReport {
        try report(bytes: Array(text.utf8), in: directory)
    }
}
