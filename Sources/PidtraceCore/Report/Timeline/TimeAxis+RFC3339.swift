extension TimeAxis {
    /// An RFC 3339 time ("2026-03-02T10:00:00.123456789Z", or with "+02:00") as ns since
    /// the epoch; nil for anything else.
    ///
    /// Not Foundation's: its ISO 8601 parser takes trailing text ("…Zjunk"), one-digit
    /// fields and hour 86 (rolled over), so a strict check of the shape would be needed
    /// around it anyway, and that check is most of this (a `Regex` for it costs 10 µs a call).
    static func epochNs(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                guard i < b.count, (48...57).contains(b[i]) else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let year = number(0..<4), b[4] == 0x2d, let month = number(5..<7), b[7] == 0x2d,
              let day = number(8..<10), [0x54, 0x74, 0x20].contains(b[10]),
              let hour = number(11..<13), b[13] == 0x3a, let minute = number(14..<16), b[16] == 0x3a,
              let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == 0x2e {
            i += 1
            var scale = 1e8
            let first = i
            while i < b.count, (48...57).contains(b[i]) {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > first else { return nil }
        }
        guard i < b.count else { return nil }
        var zone = 0
        if b[i] == 0x5a || b[i] == 0x7a {
            i += 1
        } else if b[i] == 0x2b || b[i] == 0x2d, b.count == i + 6, let h = number(i + 1..<i + 3), b[i + 3] == 0x3a,
                  let m = number(i + 4..<i + 6) {
            zone = (b[i] == 0x2b ? 1 : -1) * (h * 3600 + m * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Days from 1970-01-01 to the civil date (proleptic Gregorian, 400-year eras).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - zone
        return Double(seconds) * 1e9 + fraction
    }
}
