/// The page's one time axis, in boot-time ns (`ts_ns`), from the earliest to the latest
/// stamp in the file (and the recording's start and stop, when their RFC 3339 times can be
/// placed through a record that has both clocks). Arithmetic is in `Double`: stamps come
/// from the file and may be anything, and nothing here may trap.
struct TimeAxis {
    var from: Double
    var to: Double
    /// Wall-clock epoch ns minus boot ns, from the first record with both; nil when no
    /// record's `time` could be read (tick labels are then seconds from the start).
    var wallOffset: Double?

    init?(_ report: TraceReport) {
        var lo = Double.infinity, hi = -Double.infinity
        var offset: Double?
        for g in report.generations {
            var stamps: [TraceReport.Stamp?] = [g.start, g.end]
            stamps += g.execChain.map(\.stamp) + g.signalsToInit.map(\.stamp) + g.oomKills.map(\.stamp)
            stamps += (g.neverReaped + g.reapedLate).map(\.stamp)
            for case let stamp? in stamps {
                guard let ns = stamp.tsNs else { continue }
                lo = min(lo, Double(ns))
                hi = max(hi, Double(ns))
                if offset == nil, let wall = stamp.time.flatMap(Self.epochNs) { offset = wall - Double(ns) }
            }
        }
        guard lo <= hi else { return nil }
        if let offset {
            for case let wall? in [report.stream.startTime, report.stream.stopTime].map({ $0.flatMap(Self.epochNs) }) {
                lo = min(lo, wall - offset)
                hi = max(hi, wall - offset)
            }
        }
        if hi - lo < 1 { lo -= 5e8; hi += 5e8 } // a single instant: a second around it
        from = lo
        to = hi
        wallOffset = offset
    }

    static let plotX0 = 230.0, plotX1 = 1280.0

    func x(_ t: Double) -> Double {
        let x = Self.plotX0 + (t - from) / (to - from) * (Self.plotX1 - Self.plotX0)
        return x.isFinite ? min(max(x, Self.plotX0), Self.plotX1) : Self.plotX0
    }

    /// Round times about 100 px apart: 1, 2 or 5 × 10^k ns.
    func ticks() -> [(x: Double, label: String)] {
        let span = to - from
        let wanted = span / 10
        var power = 1.0
        while power * 10 <= wanted { power *= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= wanted } ?? 10 * power
        let base = wallOffset ?? -from // label value = boot ns + base
        let digits = step >= 1e9 ? 0 : step >= 1e8 ? 1 : step >= 1e7 ? 2 : step >= 1e6 ? 3 : step >= 1e3 ? 6 : 9
        var result: [(Double, String)] = []
        var value = ((from + base) / step).rounded(.up) * step
        while value <= to + base, result.count < 40 {
            let text = wallOffset != nil ? Self.clock(value, digits: digits) : Self.seconds(value, digits: digits)
            result.append((x(value - base), text))
            value += step
        }
        return result
    }

    /// Epoch ns as "HH:MM:SS[.fff]" (UTC).
    static func clock(_ ns: Double, digits: Int) -> String {
        guard let (secs, frac) = split(ns, digits: digits) else { return "?" }
        let day = ((secs % 86400) + 86400) % 86400
        var text = two(day / 3600) + ":" + two(day / 60 % 60) + ":" + two(day % 60)
        if digits > 0 { text += "." + padded(frac, digits) }
        return text
    }

    /// Relative ns as "12 s", "12.5 s".
    static func seconds(_ ns: Double, digits: Int) -> String {
        if ns < 0 { return "-" + seconds(-ns, digits: digits) }
        guard let (secs, frac) = split(ns, digits: digits) else { return "?" }
        return "\(secs)" + (digits > 0 ? "." + padded(frac, digits) : "") + " s"
    }

    /// Whole seconds (floored) and the fraction in units of 10^-digits s.
    private static func split(_ ns: Double, digits: Int) -> (Int, Int)? {
        var perSecond = 1
        for _ in 0..<digits { perSecond *= 10 }
        let units = (ns / (1e9 / Double(perSecond))).rounded()
        guard units.isFinite, abs(units) < 9e18 else { return nil }
        let u = Int(units)
        let secs = u >= 0 ? u / perSecond : -((-u + perSecond - 1) / perSecond)
        return (secs, u - secs * perSecond)
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    private static func padded(_ v: Int, _ width: Int) -> String {
        let text = String(v)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
