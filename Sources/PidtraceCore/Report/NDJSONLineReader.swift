import Glibc

/// Why a recorded file could not be read at all (as opposed to a bad line in it).
public struct ReportInputError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var errno: Int32

    public var description: String { "cannot read \(path): \(String(cString: strerror(errno)))" }
}

/// Reads an NDJSON file (or standard input for "-") line by line through a bounded
/// buffer: a line longer than `maxLineBytes` is skipped up to its newline and
/// reported, so no input can make the reader hold more than that.
public final class NDJSONLineReader {
    public enum Line: Equatable {
        /// Line `number` (1-based), without its newline.
        case text(number: Int, bytes: [UInt8])
        /// Line `number` was longer than the limit and was skipped.
        case tooLong(number: Int)
    }

    public static let defaultMaxLineBytes = 1 << 20

    public let path: String
    private let fd: Int32
    private let owned: Bool
    private let maxLineBytes: Int
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var chunkStart = 0
    private var chunkEnd = 0
    private var atEnd = false
    private var lineNumber = 0

    public init(path: String, maxLineBytes: Int = defaultMaxLineBytes) throws(ReportInputError) {
        self.path = path
        self.maxLineBytes = maxLineBytes
        if path == "-" {
            fd = STDIN_FILENO
            owned = false
        } else {
            fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ReportInputError(path: path, errno: errno) }
            owned = true
        }
    }

    deinit { if owned { close(fd) } }

    /// The next line, or nil at the end. A last line without a newline is returned too
    /// (a file cut mid-write ends that way).
    public func next() throws(ReportInputError) -> Line? {
        var line: [UInt8] = []
        var overflowed = false
        while true {
            if chunkStart == chunkEnd {
                if atEnd { break }
                try fill()
                continue
            }
            let available = chunk[chunkStart..<chunkEnd]
            let newline = available.firstIndex(of: UInt8(ascii: "\n"))
            let piece = available[..<(newline ?? chunkEnd)]
            if !overflowed {
                if line.count + piece.count > maxLineBytes {
                    overflowed = true
                    line = []
                } else {
                    line.append(contentsOf: piece)
                }
            }
            chunkStart = newline.map { $0 + 1 } ?? chunkEnd
            if newline != nil { return finish(line, overflowed) }
        }
        guard overflowed || !line.isEmpty else { return nil }
        return finish(line, overflowed)
    }

    private func finish(_ line: [UInt8], _ overflowed: Bool) -> Line {
        lineNumber += 1
        return overflowed ? .tooLong(number: lineNumber) : .text(number: lineNumber, bytes: line)
    }

    private func fill() throws(ReportInputError) {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { return }
            throw ReportInputError(path: path, errno: errno)
        }
        chunkStart = 0
        chunkEnd = n
        atEnd = n == 0
    }
}
