import Glibc

/// The state directory's lock: an exclusive `flock` on DIR/lock, held while this object
/// lives (or until `release`). flock belongs to the open file description, so a second open of the
/// directory is refused in this process as in another, and the kernel lets go when the
/// holder dies, even by SIGKILL: no stale lock to clean up. The file holds the
/// holder's PID, for the error a second agent prints.
final class StateDirectoryLock {
    private var fd: Int32

    init(directory: String) throws(HistoryError) {
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritableDirectory(path: directory, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            let holder = Self.holder(fd)
            close(fd)
            if error == EWOULDBLOCK { throw .locked(path: directory, holder: holder) }
            throw .unwritableDirectory(path: directory, errno: error)
        }
        let pid = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, pid, pid.count, 0) == pid.count else {
            let error = errno
            close(fd)
            throw .unwritableDirectory(path: directory, errno: error)
        }
        self.fd = fd
    }

    deinit { release() }

    /// Lets another agent have the directory (the flock goes with the descriptor).
    func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    /// The PID the holder wrote, if it reads as one.
    private static func holder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer.prefix(n).prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return !text.isEmpty && text.allSatisfy(\.isNumber) ? text : nil
    }
}
