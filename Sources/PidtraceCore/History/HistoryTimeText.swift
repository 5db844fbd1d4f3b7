/// Times as `history --since` and the agent's `--retain` take them.
public enum HistoryTimeText {
    /// "90s", "30m", "24h", "7d" (a whole number and a unit); nil for anything else.
    public static func duration(_ text: String) -> Duration? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n >= 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86400
        default: return nil
        }
        let (total, overflow) = n.multipliedReportingOverflow(by: seconds)
        return overflow ? nil : .seconds(total)
    }

    /// "24h" (that long before `nowUnixNs`), or an RFC 3339 time, as ns since the epoch.
    public static func since(_ text: String, nowUnixNs: Int? = nil) -> Int? {
        if let d = duration(text) {
            let (seconds, overflow) = Int(d.components.seconds).multipliedReportingOverflow(by: 1_000_000_000)
            return overflow ? Int.min : (nowUnixNs ?? HistoryEntry.nowUnixNs()) - seconds
        }
        return HistoryEntry.unixNs(text)
    }
}
