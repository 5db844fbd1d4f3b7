/// Which entries `HistoryStore.entries(matching:)` returns.
public struct HistoryFilter: Sendable, Equatable {
    /// A container: its name, full ID or an ID prefix; with `pod`, the pod's container's name.
    public var container: String?
    /// A Kubernetes pod's containers (in `namespace` when given).
    public var pod: String?
    public var namespace: String?
    /// Only entries that ended at or after this wall-clock time (ns since the epoch).
    public var sinceUnixNs: Int?

    public init(container: String? = nil, pod: String? = nil, namespace: String? = nil, sinceUnixNs: Int? = nil) {
        self.container = container
        self.pod = pod
        self.namespace = namespace
        self.sinceUnixNs = sinceUnixNs
    }

    /// The WHERE clause (`1` for all) and its values.
    var sql: (condition: String, values: [SQLiteValue]) {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if let pod {
            conditions.append("pod = ?")
            values.append(.text(pod))
            if let container {
                conditions.append("container_name = ?")
                values.append(.text(container))
            }
        } else if let container {
            // instr(...) = 1: a prefix, taken as written (LIKE would read % and _ as patterns).
            conditions.append("(container_name = ? OR instr(container_id, ?) = 1)")
            values += [.text(container), .text(container)]
        }
        if let namespace {
            conditions.append("namespace = ?")
            values.append(.text(namespace))
        }
        if let sinceUnixNs {
            conditions.append("end_unix_ns >= ?")
            values.append(.int(sinceUnixNs))
        }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), values)
    }
}
