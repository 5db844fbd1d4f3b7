import Foundation
import Glibc
import Testing
@testable import PidtraceCore

/// Write faults that OutputFile must report or wait out, never ignore or spin on.
@Suite("output file: a slow non-blocking reader, a failed cut-back")
struct OutputFaultTests {
    /// CPU time of the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// `pidtrace --json` with a non-blocking stdout whose reader is slow: the writer
    /// must sleep in poll until there is room (EAGAIN used to be retried in a busy loop).
    @Test func slowNonBlockingPipeIsWaitedOnNotSpunOn() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        let total = 1 << 20 // 16 pipe-fulls at 64 KiB: about 1.6 s at the reader's pace
        let received = PipeBytes(), readEnd = fds[0]
        let reader = Thread {
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                usleep(100_000) // drains one pipe-full every 100 ms
                let n = read(readEnd, &chunk, chunk.count)
                if n <= 0 { break }
                received.add(chunk[0..<n])
            }
            received.finish()
        }
        reader.start()
        let output = OutputFile(fd: fds[1], name: "slow pipe")
        let bytes = (0..<total).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let wallStart = Date(), cpuStart = Self.threadCPUSeconds()
        try output.write(bytes)
        let wall = Date().timeIntervalSince(wallStart), cpu = Self.threadCPUSeconds() - cpuStart
        close(fds[1])
        #expect(received.wait() == bytes, "every byte, in order")
        #expect(wall > 1, "the reader set the pace (\(wall) s)")
        #expect(cpu < wall * 0.2, "the writer slept while the pipe was full: \(cpu) s CPU in \(wall) s")
    }

    /// The cut-back after a failed write is what keeps the file whole lines; when it
    /// fails too, the error says the file may end mid-line (it used to be ignored).
    @Test func failedCutBackIsReported() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/out.ndjson"
        let file = try OutputFile(path: path, mode: .createNew)
        try file.write(Array("{\"event\":\"start\"}\n".utf8))
        // The same file, but read-only, under the writer's descriptor: the next write
        // fails (EBADF) and so does ftruncate (EINVAL: not open for writing).
        let readOnly = open(path, O_RDONLY)
        #expect(dup2(readOnly, file.fd) == file.fd)
        close(readOnly)
        #expect(throws: OutputError.writeFailedPartialLine(path: path, errno: EBADF, cutBackErrno: EINVAL)) {
            try file.write(Array("{\"event\":\"stop\"}\n".utf8))
        }
        #expect(OutputError.writeFailedPartialLine(path: path, errno: EBADF, cutBackErrno: EINVAL).description
            .hasSuffix("the file may end in part of a line"))
    }
}

/// Bytes collected by a reader thread.
final class PipeBytes: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    func add(_ more: ArraySlice<UInt8>) { lock.withLock { bytes += more } }
    func finish() { done.signal() }
    func wait() -> [UInt8] {
        done.wait()
        return lock.withLock { bytes }
    }
}
