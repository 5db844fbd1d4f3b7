/// Text for a terminal from what the kernel gives: task names and argv are bytes, not
/// necessarily UTF-8, and may hold control characters.
public enum TerminalText {
    /// Kernel bytes made safe for a terminal: control characters and invalid UTF-8
    /// are shown escaped, never sent raw.
    public static func printable(_ bytes: some Collection<UInt8>) -> String {
        var out = ""
        var s = bytes[...]
        while let b = s.first {
            if b >= 0x20 && b < 0x7f {
                out.unicodeScalars.append(Unicode.Scalar(b))
                s = s.dropFirst()
                continue
            }
            var decoder = UTF8()
            var it = s.makeIterator()
            if b >= 0x80, case let .scalarValue(scalar) = decoder.decode(&it), scalar.properties.generalCategory != .control {
                out.unicodeScalars.append(scalar)
                s = s.dropFirst(UTF8.width(scalar))
            } else {
                out += "\\x" + String(b, radix: 16, uppercase: false).leftPadded(to: 2)
                s = s.dropFirst()
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
