/// The history database's schema, as migrations: `migrations[i]` takes a database from
/// version i to i + 1 (`PRAGMA user_version`), so a newer pidtrace opens an older database
/// and brings it up to date. Migrations only add: a reader of version N reads any later one.
/// docs/history.md describes every table and column.
enum HistorySchema {
    static var version: Int { migrations.count }

    static let migrations: [String] = [
        // 1: entries, one per ended generation, and their records.
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            boot_id TEXT NOT NULL,
            container_id TEXT NOT NULL,
            pidns INTEGER NOT NULL,
            init_host_pid INTEGER NOT NULL,
            runtime_finished_at TEXT NOT NULL DEFAULT '',
            container_name TEXT,
            runtime TEXT,
            pod TEXT,
            namespace TEXT,
            pod_uid TEXT,
            generation INTEGER NOT NULL,
            init_ns_pid INTEGER,
            exec_chain TEXT NOT NULL,
            start_time TEXT,
            start_ts_ns INTEGER,
            start_seen INTEGER NOT NULL,
            end_time TEXT,
            end_ts_ns INTEGER,
            end_unix_ns INTEGER NOT NULL,
            how TEXT NOT NULL,
            exit_code INTEGER,
            signal INTEGER,
            sender TEXT,
            cause TEXT NOT NULL,
            headline TEXT NOT NULL,
            findings TEXT NOT NULL,
            sigterm_ignored INTEGER NOT NULL,
            stop_delay_ns INTEGER,
            oom_kills TEXT NOT NULL,
            never_reaped TEXT NOT NULL,
            processes_seen INTEGER NOT NULL,
            observed INTEGER NOT NULL,
            UNIQUE (boot_id, container_id, pidns, init_host_pid, runtime_finished_at)
        );
        CREATE INDEX entries_by_end ON entries (end_unix_ns, id);
        CREATE INDEX entries_by_container ON entries (container_id, generation);
        CREATE INDEX entries_by_name ON entries (container_name, pod, namespace);
        CREATE TABLE records (
            entry_id INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
            lines INTEGER NOT NULL,
            ndjson_bytes INTEGER NOT NULL,
            ndjson_zlib BLOB NOT NULL
        );
        """,
    ]
}
