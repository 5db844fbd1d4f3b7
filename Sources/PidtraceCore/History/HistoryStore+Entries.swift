extension HistoryStore {
    /// Writes the entry and its records in one transaction; false (and nothing written)
    /// when an entry with its identity is there already: a restarted agent that sees a
    /// generation end again does not write it twice. A full disk is `.diskFull`, with
    /// nothing of the entry kept: retry later.
    @discardableResult
    public func commit(_ entry: HistoryEntry) throws(HistoryError) -> Bool {
        try Self.guarded {
            try db.transaction {
                guard try db.run(HistoryRows.insert, HistoryRows.values(entry)) == 1 else { return false }
                let blob = RecordBlob.pack(entry.records)
                try db.run("INSERT INTO records (entry_id, lines, ndjson_bytes, ndjson_zlib) VALUES (?, ?, ?, ?)",
                           [.integer(db.lastInsertRowID), .int(entry.records.count), .int(blob.bytes), .blob(blob.zlib)])
                return true
            }
        }
    }

    /// The highest generation the history has of this container ID: a restarted agent
    /// numbers the container's next generation after it.
    public func latestGeneration(containerID: String) throws(HistoryError) -> Int? {
        try Self.guarded { try db.integer("SELECT max(generation) FROM entries WHERE container_id = ?", [.text(containerID)]) }
    }

    /// The highest generation of a container by name: with `pod`, a pod's container,
    /// whose generations count per name (the kubelet re-creates it under a new ID).
    public func latestGeneration(name: String, pod: String?, namespace: String?) throws(HistoryError) -> Int? {
        try Self.guarded {
            try db.integer("SELECT max(generation) FROM entries WHERE container_name = ? AND pod IS ? AND namespace IS ?",
                           [.text(name), .string(pod), .string(namespace)])
        }
    }

    /// The entries that match, oldest end first; their records are not read.
    public func entries(matching filter: HistoryFilter = HistoryFilter()) throws(HistoryError) -> [HistoryEntry] {
        let (condition, values) = filter.sql
        return try Self.guarded {
            try db.rows("SELECT \(HistoryRows.selected(schemaVersion: schemaVersion)) FROM entries WHERE \(condition) ORDER BY end_unix_ns, id", values) {
                try HistoryRows.entry($0)
            }
        }
    }

    /// The entry's records as committed, in order; empty for an entry not observed.
    public func records(of entry: HistoryEntry) throws(HistoryError) -> [String] {
        guard let id = entry.storeID else { return entry.records }
        return try Self.guarded {
            let stored = try db.rows("SELECT ndjson_bytes, ndjson_zlib FROM records WHERE entry_id = ?", [.integer(id)]) {
                ($0.int(0) ?? 0, $0.blob(1))
            }
            guard let (bytes, zlib) = stored.first else { return [] }
            guard let lines = RecordBlob.unpack(zlib, bytes: bytes) else {
                throw HistoryError.unreadable("damaged records for entry \(id)")
            }
            return lines
        }
    }

    /// A container the history has entries of: by name (a pod's, within its pod), or by
    /// ID for one without a name.
    public struct KnownContainer: Sendable, Equatable {
        public var name: String?
        /// The latest entry's container ID.
        public var containerID: String
        public var pod: String?
        public var namespace: String?
        public var entries: Int
    }

    /// Every container the history knows, the one that ended last last.
    public func knownContainers() throws(HistoryError) -> [KnownContainer] {
        // With one max() in a query, SQLite takes the bare columns from that row: the latest entry's.
        try Self.guarded {
            try db.rows("""
                SELECT container_name, container_id, pod, namespace, count(*), max(end_unix_ns) FROM entries
                GROUP BY container_name, CASE WHEN container_name IS NULL THEN container_id END, pod, namespace
                ORDER BY max(end_unix_ns)
                """) {
                KnownContainer(name: $0.text(0), containerID: $0.text(1) ?? "", pod: $0.text(2), namespace: $0.text(3),
                               entries: $0.int(4) ?? 0)
            }
        }
    }
}
