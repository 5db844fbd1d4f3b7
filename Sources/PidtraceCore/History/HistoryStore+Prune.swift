import Glibc

extension HistoryStore {
    public struct PruneResult: Sendable, Equatable {
        /// Entries deleted for their age.
        public var expired: Int
        /// The oldest entries deleted to stay under the size cap.
        public var evicted: Int
        /// The state directory's files (database, WAL, shared memory, lock), in bytes.
        public var bytesBefore: Int
        public var bytesAfter: Int
        /// false: a reader held an old snapshot, so the WAL could not be truncated this time.
        public var checkpointed: Bool
    }

    /// Deletes the entries that ended more than `retain` ago, then the oldest ones while
    /// the database fills more than 9/10 of its share of `maxBytes` (down to 8/10, so the
    /// next entries fit), gives the freed pages back to the file system and truncates
    /// the WAL. The WAL's share is a sixteenth of the cap (64 KiB to 4 MiB): it is
    /// checkpointed at half of it and cut back to it. Call it when the agent starts and
    /// after each commit; with nothing to delete it costs a few page-count reads.
    public func prune(retain: Duration, maxBytes: Int, nowUnixNs: Int? = nil) throws(HistoryError) -> PruneResult {
        let walBudget = min(max(maxBytes / 16, 64 << 10), 4 << 20)
        let databaseBudget = maxBytes - walBudget - (64 << 10) // the shared-memory index and the lock file
        let before = directoryBytes()
        return try Self.guarded {
            let pageSize = try db.integer("PRAGMA page_size") ?? 4096
            try db.execute("PRAGMA journal_size_limit = \(walBudget); PRAGMA wal_autocheckpoint = \(max(8, walBudget / pageSize / 2))")
            let cutoff = (nowUnixNs ?? HistoryEntry.nowUnixNs()).subtractingReportingOverflow(Self.nanoseconds(retain))
            let (expired, evicted) = try db.transaction {
                var expired = 0
                if !cutoff.overflow {
                    expired = try db.run("DELETE FROM entries WHERE end_unix_ns < ?", [.int(cutoff.partialValue)])
                }
                var evicted = 0
                if try fileBytes(pageSize) > databaseBudget / 10 * 9 {
                    evicted = try evict(downTo: databaseBudget / 10 * 8, pageSize: pageSize)
                }
                return (expired, evicted)
            }
            var checkpointed = true
            if expired + evicted > 0 || walBytes() > walBudget {
                try db.execute("PRAGMA incremental_vacuum")
                // The database file shrinks by the freed pages once the WAL is copied into it.
                checkpointed = try db.checkpoint()
            }
            return PruneResult(expired: expired, evicted: evicted, bytesBefore: before, bytesAfter: directoryBytes(),
                               checkpointed: checkpointed)
        }
    }

    /// Deletes the oldest entries until the pages in use take at most `target` bytes.
    private func evict(downTo target: Int, pageSize: Int) throws -> Int {
        var evicted = 0
        while true {
            let used = try usedBytes(pageSize)
            let count = try db.integer("SELECT count(*) FROM entries") ?? 0
            guard used > target, count > 0 else { return evicted }
            let perEntry = max(1, used / count)
            let n = max(1, (used - target + perEntry - 1) / perEntry)
            let deleted = try db.run("DELETE FROM entries WHERE id IN (SELECT id FROM entries ORDER BY end_unix_ns, id LIMIT ?)",
                                     [.int(n)])
            guard deleted > 0 else { return evicted }
            evicted += deleted
        }
    }

    private func fileBytes(_ pageSize: Int) throws -> Int { (try db.integer("PRAGMA page_count") ?? 0) * pageSize }

    private func usedBytes(_ pageSize: Int) throws -> Int {
        try fileBytes(pageSize) - (try db.integer("PRAGMA freelist_count") ?? 0) * pageSize
    }

    /// The state directory's files as `ls -l` counts them.
    public func directoryBytes() -> Int {
        ["", "-wal", "-shm"].map { databasePath + $0 }.reduce(size(directory + "/lock")) { $0 + size($1) }
    }

    private func walBytes() -> Int { size(databasePath + "-wal") }

    private func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// A retention in ns; a negative one is none, one past an Int's range is forever.
    private static func nanoseconds(_ d: Duration) -> Int {
        let (seconds, attoseconds) = d.components
        guard seconds >= 0 else { return 0 }
        let (ns, overflow) = Int(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let total = ns.addingReportingOverflow(Int(attoseconds / 1_000_000_000))
        return overflow || total.overflow ? Int.max : total.partialValue
    }
}
