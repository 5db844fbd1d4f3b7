import CSQLite

/// A value bound to a statement's `?` or read from a column.
enum SQLiteValue: Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    static func int(_ value: Int?) -> SQLiteValue { value.map { .integer(Int64($0)) } ?? .null }
    static func string(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
}

/// One prepared statement. It owns its `sqlite3_stmt*` (deinit finalizes it) and is
/// owned by the `SQLiteDatabase` that prepared it, which finalizes it before closing.
final class SQLiteStatement {
    let handle: OpaquePointer
    let sql: String
    private let db: OpaquePointer

    init(db: OpaquePointer, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        // PERSISTENT: kept for the connection's life, so SQLite allocates it for that.
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw SQLiteError("prepare \(sql)", code: rc, db: db) }
        handle = statement
        self.db = db
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears the previous run and binds `values` to the `?` parameters in order.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case let .integer(v): rc = sqlite3_bind_int64(handle, index, v)
            case let .text(v): rc = sqlite3_bind_text(handle, index, v, -1, pidtrace_sqlite_transient())
            case let .blob(v):
                rc = v.withUnsafeBytes { bytes in
                    // An empty array may have no address, which would bind NULL.
                    bytes.isEmpty ? sqlite3_bind_zeroblob(handle, index, 0)
                        : sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), pidtrace_sqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw SQLiteError("bind \(index) of \(sql)", code: rc, db: db) }
        }
    }

    /// true: a row is ready to read; false: the statement is done.
    func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(sql, code: rc, db: db)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Ends the run, so the statement holds no read snapshot between uses.
    func reset() { sqlite3_reset(handle) }

    /// nil for NULL.
    func int(_ column: Int32) -> Int? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, column))
    }

    func text(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
        guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
