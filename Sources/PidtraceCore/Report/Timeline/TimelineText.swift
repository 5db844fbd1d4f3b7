extension TimelineHTML {
    /// Escaped, terminal-safe text from the file.
    static func h(_ s: String) -> String { HTMLEscape.text(s) }

    /// A number for SVG: one decimal, never NaN or infinite.
    static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((min(max(value, -1e9), 1e9) * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return m % 10 == 0 ? "\(sign)\(m / 10)" : "\(sign)\(m / 10).\(m % 10)"
    }

    /// `to - from` when it is not negative and does not overflow (stamps come from the file).
    static func span(_ from: Int, _ to: Int) -> Int? {
        let (ns, overflow) = to.subtractingReportingOverflow(from)
        return overflow || ns < 0 ? nil : ns
    }

    static func ellipsized(_ text: String, _ limit: Int) -> String {
        guard text.count > max(limit, 1) else { return text }
        return String(text.prefix(max(limit, 2) - 1)) + "…"
    }

    /// An SVG `<title>` (the browser's tooltip): one escaped line per element.
    static func tip(_ lines: [String]) -> String {
        "<title>" + lines.map { h(clipped($0)) }.joined(separator: "\n") + "</title>"
    }

    /// Hover text and table cells stay readable for a hostile 100 KB argv.
    static func clipped(_ text: String) -> String { ellipsized(text, 2000) }

    /// `text` broken at spaces into lines of at most `limit` characters (a longer word is
    /// cut), at most `maxLines` of them, the last ending in "…" when text was left out.
    static func wrapped(_ text: String, _ limit: Int, maxLines: Int = 8) -> [String] {
        let limit = max(limit, 10)
        var lines: [String] = []
        var current = ""
        for word in clipped(text).split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > limit {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + ellipsized(String(word), limit)
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maxLines else { return lines }
        return Array(lines.prefix(maxLines - 1)) + [ellipsized(lines[maxLines - 1] + " …", limit)]
    }
}
