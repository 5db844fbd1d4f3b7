import Foundation
import Glibc
import Testing
@testable import PidtraceCore

/// The NDJSON writer thread owns the batch it writes; its failed start frees once.
@Suite("batch writer: ownership of the batch in flight")
struct BatchWriterTests {
    /// The caller encodes the next batch while this one is written: what lands in the
    /// file is the batch as submitted, whatever the caller does to its buffer meanwhile
    /// (it used to hand the writer a raw pointer into a buffer the caller still held).
    @Test func submittedBatchIsTheWritersToWrite() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/out.ndjson"
        let output = try OutputFile(path: path, mode: .createNew)
        let writer = try #require(BatchWriter(output: output, capacity: 256))
        var buffer = JSONBuffer(capacity: 256)
        for batch in 0..<200 {
            buffer.beginObject()
            buffer.field("batch", batch)
            buffer.endObject()
            buffer.endLine()
            try writer.finish()
            writer.submit(&buffer)
            #expect(buffer.count == 0, "the previous batch's buffer comes back empty")
            // Encoding the next batch at once, while this one is being written.
            for _ in 0..<50 { buffer.appendRaw("garbage that must not reach the file ") }
            buffer.removeAll()
        }
        try writer.finish()
        let lines = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            .split(separator: "\n")
        #expect(lines == (0..<200).map { "{\"batch\":\($0)}"[...] })
    }

    /// pthread_create failing (EAGAIN: a thread limit) leaves no writer and frees its
    /// semaphores once (the failed init used to destroy them, then deinit again).
    @Test func failedThreadStartFreesOnce() throws {
        let output = OutputFile(fd: STDERR_FILENO, name: "standard error")
        for _ in 0..<100 {
            #expect(BatchWriter(output: output, createThread: { _, _, _ in EAGAIN }) == nil)
        }
    }
}
