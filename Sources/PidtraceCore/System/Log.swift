import Logging

/// Diagnostics go through swift-log; `--log-level` picks how much. Lines look like
/// `pidtrace: warning: ...` on stderr (`StandardError`, one write per line).
public enum Log {
    public static let logger = Logger(label: "pidtrace")

    /// Once, before anything logs.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { _ in StderrLogHandler(logLevel: level) }
    }
}

struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "pidtrace: \(event.level): \(event.message)"
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        if !all.isEmpty { line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        StandardError.line(line)
    }
}
