import CSQLite

/// A failed SQLite call: what was being done, SQLite's own message and its extended
/// result code (`SQLITE_FULL` is 13, `SQLITE_BUSY` 5, `SQLITE_CORRUPT` 11, ...).
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var message: String
    public var code: Int32

    /// The primary result code, without the extended bits.
    public var primaryCode: Int32 { code & 0xff }

    public var description: String { "\(operation): \(message) (SQLite code \(code))" }

    /// The connection's latest error, as SQLite words it.
    init(_ operation: String, code: Int32, db: OpaquePointer?) {
        self.operation = operation
        self.code = code
        // sqlite3_errmsg speaks of the latest call on the connection; without one, the code's text.
        message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
    }
}
