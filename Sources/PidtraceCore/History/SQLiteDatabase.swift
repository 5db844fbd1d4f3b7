import CSQLite

/// One connection to a SQLite database file. It owns its `sqlite3*` and the statements
/// it prepared: `deinit` finalizes them, then closes the connection. One thread at a time.
final class SQLiteDatabase {
    enum Mode {
        case readWrite
        /// Never writes, so it can read while another process writes (WAL).
        case readOnly
    }

    let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    private var closed = false

    /// A writer waits this long for another connection's lock before SQLITE_BUSY.
    static let busyTimeoutMs: Int32 = 5000

    init(path: String, mode: Mode) throws(SQLiteError) {
        var db: OpaquePointer?
        // NOMUTEX: one thread uses a connection at a time, so SQLite need not lock it.
        let access = mode == .readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        let rc = sqlite3_open_v2(path, &db, access | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError("open \(path)", code: rc, db: db)
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        sqlite3_busy_timeout(db, Self.busyTimeoutMs)
    }

    deinit { close() }

    /// Closes the connection now; nothing may use it after. The last connection to
    /// close checkpoints the WAL and removes the -wal and -shm files.
    func close() {
        guard !closed else { return }
        closed = true
        statements.removeAll() // finalized first: a connection with live statements does not close
        sqlite3_close_v2(handle)
    }

    /// Runs SQL text that may hold several statements and returns no rows (schema, pragmas).
    func execute(_ sql: String) throws(SQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(sql, code: rc, db: handle) }
    }

    /// The statement for `sql`, prepared on first use and kept, bound to `values`.
    func statement(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteStatement {
        let statement: SQLiteStatement
        if let known = statements[sql] {
            statement = known
        } else {
            statement = try SQLiteStatement(db: handle, sql: sql)
            statements[sql] = statement
        }
        try statement.bind(values)
        return statement
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        let statement = try statement(sql, values)
        defer { statement.reset() }
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Each row of a query, read by `row`.
    func rows<T>(_ sql: String, _ values: [SQLiteValue] = [], _ row: (SQLiteStatement) throws -> T) throws -> [T] {
        let statement = try statement(sql, values)
        defer { statement.reset() }
        var result: [T] = []
        while try statement.step() { result.append(try row(statement)) }
        return result
    }

    /// The first column of the first row, as an integer (nil: no row, or NULL).
    func integer(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int? {
        let statement = try statement(sql, values)
        defer { statement.reset() }
        return try statement.step() ? statement.int(0) : nil
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Copies the WAL into the database and empties it (TRUNCATE), without waiting for
    /// readers: a reader's snapshot would make a busy handler wait, and the writer with
    /// it. false: a reader kept part of the WAL; the next checkpoint takes it.
    func checkpoint() throws(SQLiteError) -> Bool {
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, Self.busyTimeoutMs) }
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        if rc == SQLITE_BUSY { return false }
        guard rc == SQLITE_OK else { throw SQLiteError("checkpoint", code: rc, db: handle) }
        return true
    }

    /// Runs `body` in one write transaction, taken at once (IMMEDIATE) so it cannot fail
    /// half-way for a lock; rolled back when `body` throws or the commit fails.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR): then there is none to end.
            if sqlite3_get_autocommit(handle) == 0 { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }
}
