/// The history database's schema, as migrations: `migrations[i]` takes a database from
/// version i to i + 1 (`PRAGMA user_version`), so a newer pidtrace opens an older database
/// and brings it up to date. Migrations only add columns and tables, so a reader of
/// version N reads any later one. They run with foreign keys off: one rebuilds a table
/// (SQLite changes no constraint in place), and a dropped table must not take its
/// rows' records with it.
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
        // 2: the init's start time joins an entry's identity (the kernel reuses
        // namespace inodes and host PIDs). The table is made again with it.
        """
        CREATE TABLE entries_v2 (
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
            init_start_ns INTEGER NOT NULL DEFAULT 0,
            UNIQUE (boot_id, container_id, pidns, init_host_pid, init_start_ns, runtime_finished_at)
        );
        INSERT INTO entries_v2 (
            id, boot_id, container_id, pidns, init_host_pid, runtime_finished_at, container_name,
            runtime, pod, namespace, pod_uid, generation, init_ns_pid, exec_chain, start_time,
            start_ts_ns, start_seen, end_time, end_ts_ns, end_unix_ns, how, exit_code, signal,
            sender, cause, headline, findings, sigterm_ignored, stop_delay_ns, oom_kills,
            never_reaped, processes_seen, observed)
        SELECT
            id, boot_id, container_id, pidns, init_host_pid, runtime_finished_at, container_name,
            runtime, pod, namespace, pod_uid, generation, init_ns_pid, exec_chain, start_time,
            start_ts_ns, start_seen, end_time, end_ts_ns, end_unix_ns, how, exit_code, signal,
            sender, cause, headline, findings, sigterm_ignored, stop_delay_ns, oom_kills,
            never_reaped, processes_seen, observed
        FROM entries;
        DROP TABLE entries;
        ALTER TABLE entries_v2 RENAME TO entries;
        CREATE INDEX entries_by_end ON entries (end_unix_ns, id);
        CREATE INDEX entries_by_container ON entries (container_id, generation);
        CREATE INDEX entries_by_name ON entries (container_name, pod, namespace);
        """,
    ]
}
