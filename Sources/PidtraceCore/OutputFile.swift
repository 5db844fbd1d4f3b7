import Glibc

public enum OutputError: Error, Equatable, CustomStringConvertible {
    case exists(path: String)
    case cannotOpen(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    /// The reader went away (`pidtrace --json | head -1`): a quiet end, not a failure.
    case brokenPipe

    public var description: String {
        switch self {
        case let .exists(path): "\(path) exists; pass --append to add to it or --force to replace it"
        case let .cannotOpen(path, e): "cannot open \(path) for writing: \(String(cString: strerror(e)))"
        case let .writeFailed(path, e): "writing \(path) failed: \(String(cString: strerror(e)))"
        case .brokenPipe: "output closed by its reader"
        }
    }
}

/// An output file descriptor owned by one object. Files are created 0600: argv
/// can hold secrets.
public final class OutputFile: @unchecked Sendable {
    public enum Mode: Sendable { case createNew, append, replace }

    public let fd: Int32
    public let path: String
    private let owned: Bool

    public init(path: String, mode: Mode) throws(OutputError) {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC
        switch mode {
        case .createNew: flags |= O_EXCL
        case .append: flags |= O_APPEND
        case .replace: flags |= O_TRUNC
        }
        let fd = Glibc.open(path, flags, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .exists(path: path) }
            throw .cannotOpen(path: path, errno: errno)
        }
        self.fd = fd
        self.path = path
        owned = true
    }

    /// Wraps a descriptor the process already has (standard output).
    public init(fd: Int32, name: String) {
        self.fd = fd
        path = name
        owned = false
    }

    public static func standardOutput() -> OutputFile { OutputFile(fd: STDOUT_FILENO, name: "standard output") }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        var failure: OutputError?
        bytes.withUnsafeBytes { buf in
            do { try write(buf) } catch let error as OutputError { failure = error } catch {}
        }
        if let failure { throw failure }
    }

    /// Writes all of `buf`, retrying short writes and EINTR.
    public func write(_ buf: UnsafeRawBufferPointer) throws(OutputError) {
        var offset = 0
        while offset < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n >= 0 {
                offset += n
                continue
            }
            let failure = errno
            if failure == EINTR || failure == EAGAIN { continue }
            if failure == EPIPE { throw .brokenPipe }
            throw .writeFailed(path: path, errno: failure)
        }
    }

    /// fsync for files; a pipe or terminal has nothing to sync.
    public func sync() throws(OutputError) {
        if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {
            throw .writeFailed(path: path, errno: errno)
        }
    }

    deinit {
        if owned { close(fd) }
    }
}
