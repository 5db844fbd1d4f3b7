/// How long something took, printed one way everywhere: the table, the END line, the
/// summary and the HTML page. Rounded, never truncated (5.168 s is "5.2 s"), in the unit
/// that fits: "412 µs", "81 ms", "5.2 s", "4 min 10 s", "2 h 5 min".
public enum DurationText {
    public static func of(ns: Int) -> String {
        (ns < 0 ? "-" : "") + magnitude(UInt64(ns.magnitude))
    }

    public static func of(ns: UInt64) -> String { magnitude(ns) }

    private static func magnitude(_ ns: UInt64) -> String {
        // Each unit's rounding can carry into the next (999.6 ms is "1.0 s").
        let us = rounded(ns, 1_000)
        if us < 1_000 { return "\(us) µs" }
        let ms = rounded(ns, 1_000_000)
        if ms < 1_000 { return "\(ms) ms" }
        let tenths = rounded(ns, 100_000_000)
        if tenths < 600 { return "\(tenths / 10).\(tenths % 10) s" }
        let seconds = rounded(ns, 1_000_000_000)
        if seconds < 3_600 { return "\(seconds / 60) min \(seconds % 60) s" }
        let minutes = rounded(ns, 60_000_000_000)
        return "\(minutes / 60) h \(minutes % 60) min"
    }

    /// `ns / unit`, rounded half up, without overflow.
    private static func rounded(_ ns: UInt64, _ unit: UInt64) -> UInt64 {
        ns / unit + (ns % unit >= unit / 2 ? 1 : 0)
    }
}
