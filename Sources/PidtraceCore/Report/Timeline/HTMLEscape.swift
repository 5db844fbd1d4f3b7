/// Text from a recorded file on its way into HTML. The file is attacker-controlled
/// (argv, comm, container names are whatever a process chose), so every such string
/// goes through `text` before it is placed in element content or a quoted attribute.
enum HTMLEscape {
    /// The five markup characters as entities; control characters (as in
    /// `ReportFormat.printable`) and bidirectional overrides, which could make
    /// a command line read differently from what ran, become '?'.
    static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                out.unicodeScalars.append(isHidden(scalar) ? "?" : scalar)
            }
        }
        return out
    }

    private static func isHidden(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0..<0x20, 0x7f..<0xa0: true
        case 0x200e, 0x200f, 0x202a...0x202e, 0x2066...0x2069: true
        default: false
        }
    }
}
