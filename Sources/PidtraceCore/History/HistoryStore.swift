import CSQLite
import Glibc

/// The history of ended container generations: one SQLite database (`history.db`, WAL)
/// in a state directory. The writer, `open(directory:)`, holds the directory's lock
/// (one agent per directory); readers, `openReadOnly(directory:)`, take none and never
/// block it: WAL lets them read the last commit while it writes the next.
///
/// Durability: `synchronous=FULL`. A commit is on disk when `commit` returns: the WAL is
/// fsynced, so neither a `kill -9` of the agent nor a power loss loses or damages a
/// committed entry. NORMAL would be enough for a `kill -9` (the OS has the WAL's
/// writes), but a power loss could drop the last entries, and an entry is written once
/// per ended generation, so one fsync per commit costs nothing that matters.
///
/// One thread at a time uses a store.
public final class HistoryStore {
    public let directory: String
    let db: SQLiteDatabase
    /// Held by the writer for its life; nil for a reader.
    private let lock: StateDirectoryLock?
    /// The database's schema version (`PRAGMA user_version`): a reader may open an
    /// older one, which lacks the later columns (`HistoryRows.selected`).
    let schemaVersion: Int

    public static let databaseName = "history.db"
    public static let defaultDirectory = "/var/lib/pidtrace"

    public var databasePath: String { directory + "/" + Self.databaseName }

    private init(directory: String, db: SQLiteDatabase, lock: StateDirectoryLock?, schemaVersion: Int) {
        self.directory = directory
        self.db = db
        self.lock = lock
        self.schemaVersion = schemaVersion
    }

    /// Closes the database now (at the agent's stop, not at the process's exit, which
    /// runs no deinit): the last connection to close removes the -wal and -shm files.
    /// A writer's lock goes too. Nothing may use the store after.
    public func close() {
        db.close()
        lock?.release()
    }

    /// Opens the history for writing: creates the directory (0700) and the database
    /// (0600: records hold command lines, which may hold secrets) when missing, takes
    /// the directory's lock, and brings the schema up to date.
    public static func open(directory: String) throws(HistoryError) -> HistoryStore {
        try makeDirectory(directory)
        let lock = try StateDirectoryLock(directory: directory)
        let path = directory + "/" + databaseName
        // SQLite creates the -wal and -shm files with the database file's mode: 0600 too.
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritableDirectory(path: directory, errno: errno) }
        Glibc.close(fd)
        return try guarded {
            let db = try SQLiteDatabase(path: path, mode: .readWrite)
            // Before any table exists, or it cannot be set: lets `prune` give freed pages back.
            try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            guard try db.rows("PRAGMA journal_mode = WAL", [], { $0.text(0) }).first == "wal" else {
                throw HistoryError.unreadable("a journal that cannot be switched to WAL")
            }
            try db.execute("PRAGMA synchronous = FULL")
            try migrate(db, path: path)
            try db.execute("PRAGMA foreign_keys = ON")
            return HistoryStore(directory: directory, db: db, lock: lock, schemaVersion: HistorySchema.version)
        }
    }

    /// Opens the history to read it (`history`, `why`), while an agent may be writing it.
    public static func openReadOnly(directory: String) throws(HistoryError) -> HistoryStore {
        let path = directory + "/" + databaseName
        guard access(path, R_OK) == 0 else {
            throw errno == ENOENT ? .noDatabase(path: directory) : .unreadableDirectory(path: directory, errno: errno)
        }
        return try guarded {
            let db = try SQLiteDatabase(path: path, mode: .readOnly)
            // Migrations only add tables and columns, so a newer schema reads as this one;
            // an older one lacks some columns, read as their defaults.
            let version = try db.integer("PRAGMA user_version") ?? 0
            guard version > 0 else { throw HistoryError.noDatabase(path: directory) }
            return HistoryStore(directory: directory, db: db, lock: nil, schemaVersion: version)
        }
    }

    /// Runs the migrations the database has not had yet, each in its own transaction.
    private static func migrate(_ db: SQLiteDatabase, path: String) throws {
        let version = try db.integer("PRAGMA user_version") ?? 0
        guard version <= HistorySchema.version else {
            throw HistoryError.newerSchema(path: path, version: version, known: HistorySchema.version)
        }
        for step in version..<HistorySchema.version {
            try db.transaction {
                try db.execute(HistorySchema.migrations[step])
                try db.execute("PRAGMA user_version = \(step + 1)")
            }
        }
    }

    /// `mkdir -p`: parents 0755, the directory itself 0700.
    private static func makeDirectory(_ path: String) throws(HistoryError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        let parts = path.split(separator: "/")
        for (i, part) in parts.enumerated() {
            prefix += "/" + part
            if mkdir(prefix, i == parts.count - 1 ? 0o700 : 0o755) != 0 && errno != EEXIST {
                throw .unwritableDirectory(path: path, errno: errno)
            }
        }
        var st = stat()
        guard stat(path, &st) == 0 else { throw .unwritableDirectory(path: path, errno: errno) }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw .unwritableDirectory(path: path, errno: ENOTDIR) }
    }

    /// SQLite's errors as the history's: a full disk is one to retry.
    static func guarded<T>(_ body: () throws -> T) throws(HistoryError) -> T {
        do {
            return try body()
        } catch let error as HistoryError {
            throw error
        } catch let error as SQLiteError {
            throw error.primaryCode == SQLITE_FULL ? .diskFull(error) : .database(error)
        } catch {
            throw .unreadable("an error it cannot place: \(error)")
        }
    }
}
