import Glibc

/// Why the history could not be opened, read or written. Each case has its exit status.
public enum HistoryError: Error, Sendable, CustomStringConvertible {
    /// The state directory cannot be created, or files in it cannot be (errno).
    case unwritableDirectory(path: String, errno: Int32)
    /// Another process (an agent) holds the state directory's lock.
    case locked(path: String, holder: String?)
    /// A read-only open of a directory without a history database.
    case noDatabase(path: String)
    /// The history is there but this user may not read it (errno).
    case unreadableDirectory(path: String, errno: Int32)
    /// The database was written by a newer pidtrace whose schema this one does not know.
    case newerSchema(path: String, version: Int, known: Int)
    /// No space left (SQLITE_FULL): nothing of the failed write was kept; try again later.
    case diskFull(SQLiteError)
    case database(SQLiteError)
    /// A stored value this pidtrace cannot read back (a damaged or hand-edited database).
    case unreadable(String)

    public var description: String {
        switch self {
        case let .unwritableDirectory(path, errno):
            "cannot write the state directory \(path): \(String(cString: strerror(errno)))"
        case let .locked(path, holder):
            "another pidtrace agent\(holder.map { " (PID \($0))" } ?? "") holds \(path): one agent per state directory"
        case let .noDatabase(path):
            "no history in \(path): `pidtrace agent --state-dir \(path)` writes it"
        case let .unreadableDirectory(path, errno):
            "cannot read the history in \(path): \(String(cString: strerror(errno)))"
        case let .newerSchema(path, version, known):
            "\(path) has schema version \(version), newer than this pidtrace's \(known): use a newer pidtrace"
        case let .diskFull(e): "no space left for the history (\(e)); nothing of it was written"
        case let .database(e): e.description
        case let .unreadable(what): "the history database holds \(what)"
        }
    }

    /// The write failed for a lack of space and may succeed later: count it and retry.
    public var isRetryable: Bool { if case .diskFull = self { true } else { false } }

    /// sysexits-style statuses, as the commands exit with them.
    public var exitStatus: CommandExit {
        switch self {
        case .unwritableDirectory: .cannotCreate
        case .locked: .temporaryFailure // the other agent may stop
        case .noDatabase, .unreadableDirectory: .noInput
        case .newerSchema, .unreadable: .dataError
        case .diskFull, .database: .ioError
        }
    }
}
