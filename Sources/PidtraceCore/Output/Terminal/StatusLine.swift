import Glibc

/// The one updating line on a terminal's stderr while no table is shown: elapsed
/// time, events/s, events written, lost, containers followed, generations seen.
final class StatusLine {
    private let startNs: UInt64
    private var lastNs: UInt64
    private var lastEvents: UInt64 = 0
    private var shown = false

    init(nowNs: UInt64) {
        startNs = nowNs
        lastNs = nowNs
    }

    /// Redraws at most once a second.
    /// `containers`: how many are followed and their generations, when containers are.
    func update(nowNs: UInt64, events: UInt64, lost: UInt64, containers: (followed: Int, generations: Int)?) {
        guard nowNs - lastNs >= 1_000_000_000 else { return }
        let rate = Double(events - lastEvents) / (Double(nowNs - lastNs) / 1e9)
        lastNs = nowNs
        lastEvents = events
        var text = "\(Self.elapsed(nowNs - startNs))  \(Int(rate.rounded())) events/s  \(events) written  \(lost) lost"
        if let containers {
            text += "  \(containers.followed) containers  \(containers.generations) generations"
        }
        draw("\r\u{1B}[2K" + text)
        shown = true
    }

    /// Clears the line before the closing summary.
    func clear() {
        if shown { draw("\r\u{1B}[2K") }
    }

    private func draw(_ text: String) { StandardError.write(text) }

    static func elapsed(_ ns: UInt64) -> String {
        let s = Int(ns / 1_000_000_000)
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }
}
