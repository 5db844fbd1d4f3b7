import Glibc

public enum OutputError: Error, Equatable, CustomStringConvertible {
    case exists(path: String)
    case cannotOpen(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    /// The write failed and so did cutting its partial line back off: the file may end
    /// in part of a line (the one guarantee a failed write otherwise keeps).
    case writeFailedPartialLine(path: String, errno: Int32, cutBackErrno: Int32)
    /// The reader went away (`pidtrace --json | head -1`): a quiet end, not a failure.
    case brokenPipe

    public var description: String {
        switch self {
        case let .exists(path): "\(path) exists; pass --append to add to it or --force to replace it"
        case let .cannotOpen(path, e): "cannot open \(path) for writing: \(String(cString: strerror(e)))"
        case let .writeFailed(path, e): "writing \(path) failed: \(String(cString: strerror(e)))"
        case let .writeFailedPartialLine(path, e, cut):
            "writing \(path) failed: \(String(cString: strerror(e))); cutting back its partial line also failed "
                + "(\(String(cString: strerror(cut)))): the file may end in part of a line"
        case .brokenPipe: "output closed by its reader"
        }
    }
}

/// An output file descriptor owned by one object. Files are created 0600: argv
/// can hold secrets.
public final class OutputFile: @unchecked Sendable {
    public enum Mode: Sendable { case createNew, append, replace }

    public private(set) var fd: Int32
    public let path: String
    private let owned: Bool
    /// Given to a file this process creates (sudo's invoking user), at start and on reopen.
    private let owner: FileOwner?
    /// Regular files only: where the last complete write ended. A failed or partial
    /// write is cut back to it, so the file never ends in half a line.
    private var committed: off_t = -1

    /// Opens `path`; a newly created file gets `owner` (when given).
    public init(path: String, mode: Mode, owner: FileOwner? = nil) throws(OutputError) {
        self.path = path
        self.owner = owner
        owned = true
        // O_EXCL first tells whether we create the file, which decides whether to chown it.
        var fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        var created = fd >= 0
        if fd < 0 && errno == EEXIST && mode != .createNew {
            fd = Glibc.open(path, O_WRONLY | O_CLOEXEC | (mode == .append ? O_APPEND : O_TRUNC))
            created = false
        }
        guard fd >= 0 else {
            if errno == EEXIST { throw .exists(path: path) }
            throw .cannotOpen(path: path, errno: errno)
        }
        self.fd = fd
        if created { try giveToOwner() }
        committed = Self.regularFileEnd(fd)
    }

    /// Log rotation (SIGHUP): after `mv FILE FILE.1`, continues in a fresh FILE,
    /// created as at start (0600, owner). O_APPEND without O_EXCL: a FILE that has
    /// reappeared in the meantime is added to, never clobbered. The old descriptor is
    /// closed only once the new one is open, so a failure leaves the old file in use.
    public func reopen() throws(OutputError) {
        guard owned else { return }
        let newFD = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_APPEND, 0o600)
        var created = newFD >= 0
        var opened = newFD
        if opened < 0 && errno == EEXIST {
            opened = Glibc.open(path, O_WRONLY | O_CLOEXEC | O_APPEND)
            created = false
        }
        guard opened >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        close(fd)
        fd = opened
        if created { try giveToOwner() }
        committed = Self.regularFileEnd(fd)
    }

    /// A file this object opened by path (not standard output).
    public var isReopenable: Bool { owned }

    private func giveToOwner() throws(OutputError) {
        guard let owner, fchown(fd, owner.uid, owner.gid) != 0 else { return }
        let failure = errno
        unlink(path) // a root-owned file where the user expects their own: do not leave it
        throw .cannotOpen(path: path, errno: failure)
    }

    /// The end of a regular file (the next write's offset), else -1 (pipes, terminals).
    private static func regularFileEnd(_ fd: Int32) -> off_t {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return -1 }
        return lseek(fd, 0, SEEK_END)
    }

    /// Wraps a descriptor the process already has (standard output).
    public init(fd: Int32, name: String) {
        self.fd = fd
        path = name
        owned = false
        owner = nil
    }

    public static func standardOutput() -> OutputFile { OutputFile(fd: STDOUT_FILENO, name: "standard output") }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        var failure: OutputError?
        bytes.withUnsafeBytes { buf in
            do { try write(buf) } catch let error as OutputError { failure = error } catch {}
        }
        if let failure { throw failure }
    }

    /// Writes all of `buf`, retrying short writes and EINTR. A non-blocking descriptor
    /// that is full (EAGAIN: a slow reader of a non-blocking stdout) is waited on with
    /// poll, not retried in a loop that would burn a core until the reader catches up.
    public func write(_ buf: UnsafeRawBufferPointer) throws(OutputError) {
        var offset = 0
        while offset < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n >= 0 {
                offset += n
                continue
            }
            let failure = errno
            if failure == EINTR { continue }
            if failure == EAGAIN || failure == EWOULDBLOCK {
                waitUntilWritable()
                continue
            }
            if failure == EPIPE { throw .brokenPipe }
            let cutBackFailure = cutBackToLastCompleteWrite()
            if cutBackFailure != 0 {
                throw .writeFailedPartialLine(path: path, errno: failure, cutBackErrno: cutBackFailure)
            }
            throw .writeFailed(path: path, errno: failure)
        }
        if committed >= 0 { committed += off_t(buf.count) }
    }

    /// Sleeps until the descriptor takes more bytes, or reports an error or hang-up
    /// (the next write then says which).
    private func waitUntilWritable() {
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while poll(&pfd, 1, -1) < 0 && errno == EINTR {}
    }

    /// After a failed write (ENOSPC, EIO, EFBIG): drops the part of this write that did
    /// land, so the file holds only what whole writes (whole lines) put there. Returns
    /// 0, or the errno of the step that failed (then the file may end mid-line).
    private func cutBackToLastCompleteWrite() -> Int32 {
        guard committed >= 0 else { return 0 }
        if ftruncate(fd, committed) != 0 { return errno }
        // Without O_APPEND the offset is still past the cut: a later write would leave a hole.
        if lseek(fd, committed, SEEK_SET) < 0 { return errno }
        return 0
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
