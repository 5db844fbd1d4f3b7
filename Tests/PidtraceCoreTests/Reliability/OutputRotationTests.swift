import Foundation
import Glibc
import Testing
@testable import PidtraceCore

@Suite("output file: rotation (SIGHUP), owner, failed writes")
struct OutputRotationTests {
    static func text(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    static func mode(_ path: String) -> mode_t {
        var st = stat()
        stat(path, &st)
        return st.st_mode & 0o7777
    }

    @Test func reopenAfterMoveStartsAFreshPrivateFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/out.ndjson"
        let file = try OutputFile(path: path, mode: .createNew)
        try file.write(Array("one\n".utf8))
        #expect(rename(path, dir.path + "/out.1") == 0)
        try file.write(Array("two\n".utf8)) // still the moved file until the reopen
        try file.reopen()
        try file.write(Array("three\n".utf8))
        #expect(Self.text(dir.path + "/out.1") == "one\ntwo\n")
        #expect(Self.text(path) == "three\n")
        #expect(Self.mode(path) == 0o600)
    }

    @Test func reopenNeverClobbersAFileThatReappeared() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/out.ndjson"
        let file = try OutputFile(path: path, mode: .createNew)
        try file.write(Array("old\n".utf8))
        #expect(rename(path, dir.path + "/out.1") == 0)
        try "someone else's\n".write(toFile: path, atomically: false, encoding: .utf8)
        try file.reopen()
        try file.write(Array("new\n".utf8))
        #expect(Self.text(path) == "someone else's\nnew\n")
    }

    @Test func reopenIntoAMissingDirectoryKeepsTheOldFile() throws {
        let dir = TemporaryDirectory()
        let sub = dir.path + "/sub"
        mkdir(sub, 0o700)
        let path = sub + "/out.ndjson"
        let file = try OutputFile(path: path, mode: .createNew)
        #expect(rename(path, dir.path + "/kept") == 0)
        rmdir(sub)
        #expect(throws: OutputError.cannotOpen(path: path, errno: ENOENT)) { try file.reopen() }
        try file.write(Array("still here\n".utf8))
        #expect(Self.text(dir.path + "/kept") == "still here\n")
    }

    @Test func standardOutputHasNothingToReopen() throws {
        let sink = NDJSONSink(output: .standardOutput(), clock: BootClock(offsetNs: 0))
        #expect(!sink.canReopen)
        let dir = TemporaryDirectory()
        let fileSink = NDJSONSink(output: try OutputFile(path: dir.path + "/f", mode: .createNew), clock: BootClock(offsetNs: 0))
        #expect(fileSink.canReopen)
    }

    @Test(arguments: [
        (["SUDO_UID": "1000", "SUDO_GID": "1001"], 0 as UInt32, FileOwner(uid: 1000, gid: 1001) as FileOwner?),
        (["SUDO_UID": "1000", "SUDO_GID": "1001"], 1000, nil),   // not root: nothing to give away
        (["SUDO_UID": "1000"], 0, nil),
        (["SUDO_UID": "", "SUDO_GID": "5"], 0, nil),
        (["SUDO_UID": "-1", "SUDO_GID": "5"], 0, nil),
        (["SUDO_UID": "4294967295", "SUDO_GID": "5"], 0, nil),  // -1 means "unchanged" to chown
        (["SUDO_UID": "99999999999", "SUDO_GID": "5"], 0, nil),
        (["SUDO_UID": "10 ", "SUDO_GID": "5"], 0, nil),
        (["SUDO_UID": "+7", "SUDO_GID": "5"], 0, nil),
        ([:], 0, nil),
    ] as [([String: String], UInt32, FileOwner?)])
    func sudoInvokerFromTheEnvironment(environment: [String: String], euid: UInt32, expected: FileOwner?) {
        #expect(FileOwner.sudoInvoker(environment: environment, euid: euid) == expected)
    }

    @Test func aFailedSinkDropsLaterRecordsButTriesTheStopRecord() throws {
        // /dev/full fails every write with ENOSPC.
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let sink = NDJSONSink(output: OutputFile(fd: fd, name: "/dev/full"), clock: BootClock(offsetNs: 0))
        try sink.write(.lost(LostInfo(tsNs: 1, count: 1)))
        // A small batch is written in place: its failure shows at once.
        #expect(throws: OutputError.writeFailed(path: "/dev/full", errno: ENOSPC)) { try sink.flush() }
        #expect(sink.failure == .writeFailed(path: "/dev/full", errno: ENOSPC))
        // Reported once: later writes, flushes, the stop record and the sync are quiet.
        try sink.write(.lost(LostInfo(tsNs: 2, count: 1)))
        try sink.flush()
        try sink.write(.stop(StopInfo(tsNs: 3, events: 0, lost: 2, reason: "write_error")))
        try sink.sync()
    }

    @Test func aBatchTheWriterThreadFailsShowsAtTheNextFlushOrSync() throws {
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let sink = NDJSONSink(output: OutputFile(fd: fd, name: "/dev/full"), clock: BootClock(offsetNs: 0))
        for ts in 1...5_000 as ClosedRange<UInt64> { try sink.write(.lost(LostInfo(tsNs: ts, count: 1))) }
        try sink.flush() // over 256 KiB: handed to the writer thread
        #expect(throws: OutputError.writeFailed(path: "/dev/full", errno: ENOSPC)) { try sink.sync() }
        #expect(sink.failure == .writeFailed(path: "/dev/full", errno: ENOSPC))
    }

    @Test func batchesWrittenByTheWriterThreadLandWholeAndInOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pidtrace-batches-\(getpid()).ndjson").path
        defer { unlink(path) }
        let output = try OutputFile(path: path, mode: .replace)
        let sink = NDJSONSink(output: output, clock: BootClock(offsetNs: 0))
        let total: UInt64 = 60_000
        for ts in 1...total {
            try sink.write(.lost(LostInfo(tsNs: ts, count: 1)))
            // Batches big enough for the thread (over 256 KiB), some still in flight.
            if ts % 4_001 == 0 { try sink.flush() }
        }
        try sink.sync()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == Int(total))
        let stamps = try lines.map { try JSONLines.object(Array($0.utf8))["ts_ns"] as? Int ?? -1 }
        #expect(stamps == (1...Int(total)).map { $0 })
    }

    @Test func stopRecordSaysWhy() throws {
        var stop = StopInfo(tsNs: 9, events: 5, lost: 0, reason: StopReason.writeError.name)
        stop.error = OutputError.writeFailed(path: "/t/o", errno: ENOSPC).description
        var out = JSONBuffer()
        NDJSONEncoder(clock: BootClock(offsetNs: 0)).encode(.stop(stop), into: &out)
        let o = try JSONLines.object(Array(out.bytes.dropLast()))
        #expect(o["reason"] as? String == "write_error")
        #expect(o["error"] as? String == "writing /t/o failed: No space left on device")
        var plain = JSONBuffer()
        NDJSONEncoder(clock: BootClock(offsetNs: 0)).encode(.stop(StopInfo(tsNs: 9, events: 5, lost: 0, reason: "signal")), into: &plain)
        #expect(try JSONLines.object(Array(plain.bytes.dropLast()))["error"] == nil)
    }
}
