/// What a process's (and so a container's) exit code means by the convention shells
/// and inits follow: 126, 127, and 128 + N for a child killed by signal N. Defined
/// here once for every place that shows a code (the table, the END line, the summary,
/// the findings). pidtrace's own exit statuses are another thing (`CommandExit`).
public enum ExitCodeMeaning {
    /// nil for a code with no conventional meaning (0, 1, 2, …).
    public static func of(_ code: Int) -> String? {
        switch code {
        case 126: return "a command was found but could not be executed"
        case 127: return "a command was not found"
        case 129...192:
            let n = code - 128
            return "128 + \(n): how a shell or an init reports a child killed by \(SignalName.of(Int32(n)))"
        default: return nil
        }
    }

    /// "143 (128 + 15: how a shell or an init reports a child killed by SIGTERM)", "0".
    public static func explained(_ code: Int) -> String {
        of(code).map { "\(code) (\($0))" } ?? "\(code)"
    }
}
