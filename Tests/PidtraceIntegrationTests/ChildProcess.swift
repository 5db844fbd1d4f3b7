import Foundation
import Glibc

/// Runs a program to completion or to its deadline, whichever comes first. The clock
/// covers the whole run: output is read as it comes (poll) while the child is watched
/// (waitpid), so a hung pidtrace, or one whose output a leftover child keeps open,
/// fails its test after `timeout` seconds instead of hanging the suite. The child gets
/// a process group of its own, killed whole at the deadline.
///
/// posix_spawn rather than Foundation's Process: Process reports a child as running
/// until its pipes close, so a leftover holding them made `isRunning` lie.
enum ChildProcess {
    typealias Result = (status: Int32, stdout: String, stderr: String)

    static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                    timeout: Double) throws -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        let command = ([path] + arguments).joined(separator: " ")
        let outPipe = try makePipe(), errPipe = try makePipe()
        defer { close(outPipe[0]); close(errPipe[0]) }
        let pid = try spawn(path, arguments, environment: environment, stdout: outPipe[1], stderr: errPipe[1])
        close(outPipe[1]); close(errPipe[1]) // ours: EOF comes once the child's copies are gone

        var output: [[UInt8]] = [[], []]
        var open = [true, true]
        var status: Int32?
        var chunk = [UInt8](repeating: 0, count: 65536)
        while status == nil || open.contains(true) {
            if Date() > deadline {
                kill(-pid, SIGKILL) // the child and whatever it left in its group
                if status == nil { var s: Int32 = 0; _ = waitpid(pid, &s, 0) }
                throw HarnessError(status == nil
                    ? "\(command) did not finish in \(timeout) s: killed"
                    : "\(command) exited, but its output was still open after \(timeout) s (a process it started held it): killed")
            }
            if status == nil {
                var s: Int32 = 0
                if waitpid(pid, &s, WNOHANG) == pid { status = s }
            }
            var fds = [pollfd(fd: open[0] ? outPipe[0] : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open[1] ? errPipe[0] : -1, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, 10) > 0 else { continue }
            for i in 0..<2 where open[i] && fds[i].revents != 0 {
                let n = read(fds[i].fd, &chunk, chunk.count)
                if n > 0 { output[i] += chunk[0..<n] } else if n == 0 || errno != EINTR { open[i] = false }
            }
        }
        return (exitStatus(status!), String(decoding: output[0], as: UTF8.self), String(decoding: output[1], as: UTF8.self))
    }

    /// A pipe whose ends other children do not inherit (only dup2's copies are).
    private static func makePipe() throws -> [Int32] {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw HarnessError("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fds
    }

    /// As Foundation's terminationStatus: the exit code, or the signal that ended it.
    private static func exitStatus(_ wait: Int32) -> Int32 {
        wait & 0x7f == 0 ? (wait >> 8) & 0xff : wait & 0x7f
    }

    private static func spawn(_ path: String, _ arguments: [String], environment: [String: String]?,
                              stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw HarnessError("cannot run \(path): \(String(cString: strerror(rc)))") }
        return pid
    }
}
