import Foundation
import Glibc
import Testing
@testable import PidtraceCore

/// What goes wrong around the database: a second agent, a directory that cannot be
/// written, a full disk, a missing history. Each is one clear error, never a damaged file.
@Suite("History store: the lock, unwritable directories, a full disk")
struct HistoryFailureTests {
    @Test func aSecondWriterInThisProcessIsRefused() throws {
        let dir = TemporaryDirectory()
        let first = try HistoryStore.open(directory: dir.path)
        #expect {
            try HistoryStore.open(directory: dir.path)
        } throws: { error in
            guard case let .locked(path, holder)? = error as? HistoryError else { return false }
            // flock belongs to the open file description: a second open conflicts even here.
            return path == dir.path && holder == String(getpid())
                && "\(error)" == "another pidtrace agent (PID \(getpid())) holds \(dir.path): one agent per state directory"
        }
        // Readers take no lock.
        #expect(try HistoryStore.openReadOnly(directory: dir.path).entries().isEmpty)
        _ = first
    }

    @Test func theLockIsSeenByOtherProcessesAndLetGoWithTheStore() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try HistoryStore.open(directory: dir.path)
            #expect(try HistoryTools.run("/usr/bin/flock", ["-n", dir.path + "/lock", "true"]).status == 1)
            let refused = try HistoryTools.run(HistoryTools.writer, ["hold", dir.path])
            #expect(refused.status == 75)
            #expect(refused.stderr.contains("another pidtrace agent (PID \(getpid())) holds \(dir.path)"))
            _ = store
        }
        #expect(try HistoryTools.run("/usr/bin/flock", ["-n", dir.path + "/lock", "true"]).status == 0)
    }

    @Test func aStoreHeldByAnotherProcessIsRefusedUntilItExits() throws {
        let dir = TemporaryDirectory()
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: HistoryTools.writer)
        holder.arguments = ["hold", dir.path]
        let input = Pipe(), output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        #expect(output.fileHandleForReading.availableData == Data("open\n".utf8))
        #expect {
            try HistoryStore.open(directory: dir.path)
        } throws: { error in
            guard case let .locked(_, pid)? = error as? HistoryError else { return false }
            return pid == String(holder.processIdentifier)
        }
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)
        _ = try HistoryStore.open(directory: dir.path)
    }

    @Test func aDirectoryUnderAFileCannotBeCreated() throws {
        let dir = TemporaryDirectory()
        #expect(FileManager.default.createFile(atPath: dir.path + "/file", contents: Data()))
        let path = dir.path + "/file/state"
        #expect {
            try HistoryStore.open(directory: path)
        } throws: { error in
            guard case let .unwritableDirectory(p, errno)? = error as? HistoryError else { return false }
            return p == path && errno == ENOTDIR && (error as! HistoryError).exitStatus.rawValue == 73
                && "\(error)" == "cannot write the state directory \(path): Not a directory"
        }
    }

    /// A directory this user may not write: as root, the helper runs as nobody (root
    /// writes anywhere); otherwise this process opens a 0500 directory itself.
    @Test func aDirectoryThisUserCannotWriteIsExit73NamingIt() throws {
        let dir = TemporaryDirectory()
        chmod(dir.path, 0o755)
        let parent = dir.path + "/parent"
        #expect(mkdir(parent, 0o500) == 0)
        let state = parent + "/state"
        if getuid() == 0 {
            // nobody must reach the helper: a copy in a directory everyone can read.
            let helper = dir.path + "/history-writer"
            try FileManager.default.copyItem(atPath: HistoryTools.writer, toPath: helper)
            let r = try HistoryTools.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", helper, "hold", state])
            #expect(r.status == 73, "\(r)")
            #expect(r.stderr == "history-writer: cannot write the state directory \(state): Permission denied\n")
        } else {
            #expect {
                try HistoryStore.open(directory: state)
            } throws: { error in
                guard case let .unwritableDirectory(p, errno)? = error as? HistoryError else { return false }
                return p == state && errno == EACCES
            }
        }
    }

    /// SQLITE_FULL from SQLite itself: `max_page_count` caps the file as a full disk would.
    @Test func aFullDiskIsARetryableErrorThatKeepsTheDatabaseWhole() throws {
        let dir = TemporaryDirectory()
        let store = try HistoryStore.open(directory: dir.path)
        let template = try #require(try HistoryFixture.entries("nginx-noexec-stop").first)
        for n in 1...5 { try store.commit(HistoryFixture.numbered(n, of: template)) }
        let pages = try #require(try store.db.integer("PRAGMA page_count"))
        _ = try store.db.integer("PRAGMA max_page_count = \(pages)")
        var full: HistoryError?
        for n in 6...50 {
            do {
                try store.commit(HistoryFixture.numbered(n, of: template))
            } catch {
                full = error
                break
            }
        }
        let error = try #require(full, "never full")
        guard case .diskFull = error else { Issue.record("not diskFull: \(error)"); return }
        #expect(error.isRetryable && error.exitStatus.rawValue == 74)
        let kept = try store.entries().count
        #expect(try HistoryTools.sqlite3(store.databasePath, "PRAGMA integrity_check") == "ok")
        #expect(try HistoryTools.sqlite3(store.databasePath, "SELECT count(*) FROM entries") == "\(kept)")
        #expect(try HistoryTools.sqlite3(store.databasePath, "SELECT count(*) FROM records") == "\(kept)")
        // Space again: the same entry goes in.
        _ = try store.db.integer("PRAGMA max_page_count = 1000000")
        #expect(try store.commit(HistoryFixture.numbered(kept + 1, of: template)))
        #expect(try store.entries().count == kept + 1)
    }

    @Test func aDirectoryWithoutHistoryIsOneClearLine() throws {
        let dir = TemporaryDirectory()
        #expect {
            try HistoryStore.openReadOnly(directory: dir.path + "/none")
        } throws: { error in
            "\(error)" == "no history in \(dir.path)/none: `pidtrace agent --state-dir \(dir.path)/none` writes it"
                && (error as! HistoryError).exitStatus.rawValue == 66
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/none")) // reading creates nothing
    }

    /// The agent's directory is 0700: another user is told so, not that there is no history.
    @Test func aHistoryThisUserMayNotReadIsSaidSo() throws {
        let dir = TemporaryDirectory()
        chmod(dir.path, 0o755)
        let state = dir.path + "/state"
        try HistoryStore.open(directory: state).commit(try #require(try HistoryFixture.entries("init-killed").first))
        if getuid() == 0 {
            let pidtrace = dir.path + "/pidtrace" // a copy nobody may run
            // Copied by another process: a file this one wrote could be held open by a child
            // another test forks meanwhile, and its exec then fails (ETXTBSY).
            #expect(try HistoryTools.run("/bin/cp", [HistoryTools.pidtrace, pidtrace]).status == 0)
            let r = try HistoryTools.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", pidtrace,
                                                               "history", "--state-dir", state])
            #expect(r.status == 66)
            #expect(r.stderr == "pidtrace: error: cannot read the history in \(state): Permission denied\n")
        } else {
            chmod(state, 0o000)
            defer { chmod(state, 0o700) }
            #expect {
                try HistoryStore.openReadOnly(directory: state)
            } throws: { error in
                guard case let .unreadableDirectory(p, errno)? = error as? HistoryError else { return false }
                return p == state && errno == EACCES
            }
        }
    }
}
