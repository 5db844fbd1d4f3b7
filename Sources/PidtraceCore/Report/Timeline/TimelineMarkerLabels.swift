extension TimelineHTML {
    struct MarkerLabel {
        var x: Double
        var text: String
        var cls: String
    }

    /// Labels in up to two lanes above the bar, left to right; one that fits in neither
    /// is left out (its marker keeps the `<title>`).
    func place(_ labels: [MarkerLabel], baselines: [Double]) -> String {
        var ends = [Double](repeating: -.infinity, count: baselines.count)
        var out = ""
        for label in labels.sorted(by: { $0.x < $1.x }) {
            let text = Self.ellipsized(label.text, 40)
            let width = Double(text.count) * Layout.sansAdvance
            var start = label.x - 4
            var anchor = "start"
            var x = start
            if start + width > Layout.textLimit {
                x = label.x + 4
                start = x - width
                anchor = "end"
            }
            guard let lane = ends.indices.first(where: { ends[$0] + 8 <= start }) else { continue }
            ends[lane] = start + width
            out += "<text class=\"\(label.cls)\" x=\"\(Self.n(x))\" y=\"\(Self.n(baselines[lane]))\" text-anchor=\"\(anchor)\">\(Self.h(text))</text>\n"
        }
        return out
    }
}
