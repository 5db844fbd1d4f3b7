import ArgumentParser
import PidtraceCore

/// Parsers of option values (argument-parser's transforms): each value is parsed once,
/// and a bad one is named with the option by argument-parser.
enum CLIValues {
    /// "fork,exec": those; "+exec_failed": the default kinds and those.
    static func kinds(_ list: String) throws -> [EventKind] {
        let names = list.split(separator: ",").map { $0.trimmingWhitespace() }
        guard !names.isEmpty else { throw ValidationError("no event kind given") }
        let adding = names.allSatisfy { $0.hasPrefix("+") }
        if !adding, let mixed = names.first(where: { $0.hasPrefix("+") }) {
            throw ValidationError("'\(mixed)' adds to the default kinds: give only '+' kinds, or a list without '+'")
        }
        let kinds = try names.map { name in
            let bare = adding ? String(name.dropFirst()) : name
            guard let kind = EventKind(name: bare) else {
                throw ValidationError("unknown kind '\(bare)' (known: \(EventKind.allCases.map(\.name).joined(separator: ", ")))")
            }
            return kind
        }
        return adding ? EventKind.allCases.filter { EventKind.defaults.contains($0) || kinds.contains($0) } : kinds
    }

    /// "8" → 8 MiB, "64K", "16M". The kernel wants a power of two, at least a page.
    static func ringBytes(_ text: String) throws -> UInt32 {
        var digits = Substring(text.trimmingWhitespace())
        var unit: UInt64 = 1 << 20
        if let last = digits.last, "kKmM".contains(last) {
            unit = "kK".contains(last) ? 1 << 10 : 1 << 20
            digits = digits.dropLast()
        }
        guard let n = UInt64(digits), n > 0, n <= (1 << 30) / unit else {
            throw ValidationError("'\(text)' is not a size between 4K and 1024M")
        }
        let bytes = n * unit
        guard bytes >= 4096, bytes & (bytes - 1) == 0 else {
            throw ValidationError("a power of two of at least 4K is needed (e.g. 64K, 8M)")
        }
        return UInt32(bytes)
    }

    /// "7d", "24h", "30m", "90s": as `history --since` reads a time ago.
    static func duration(_ text: String) throws -> Duration {
        guard let d = HistoryTimeText.duration(text.trimmingWhitespace()), d > .zero else {
            throw ValidationError("'\(text)' is not a duration such as 90s, 30m, 24h or 7d")
        }
        return d
    }

    /// "256MiB", "1G", "512K", "4096" (bytes) → bytes; binary units (K = KiB = 1024).
    static func byteSize(_ text: String) throws -> Int {
        let trimmed = text.trimmingWhitespace()
        let units: [(suffix: String, bytes: Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
                                                     ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]
        var digits = Substring(trimmed)
        var unit = 1
        if let match = units.first(where: { trimmed.hasSuffix($0.suffix) }) {
            unit = match.bytes
            digits = digits.dropLast(match.suffix.count)
        }
        guard let n = Int(digits), n > 0, n <= (1 << 40) / unit else {
            throw ValidationError("'\(text)' is not a size such as 256MiB or 1GiB")
        }
        return n * unit
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
