import Glibc

/// How many columns the table may use: a terminal's width, so its lines do not wrap.
public enum TerminalWidth {
    /// The width of the terminal on `fd` (TIOCGWINSZ), else `$COLUMNS`; nil when `fd`
    /// is not a terminal (a file or a pipe gets full lines) or neither says (a terminal
    /// of unknown size: better whole lines than a guess).
    public static func columns(of fd: Int32, columnsVariable: String? = getenv("COLUMNS").map { String(cString: $0) }) -> Int? {
        guard isatty(fd) == 1 else { return nil }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return parse(columnsVariable)
    }

    /// COLUMNS when it is a positive number (a shell sets it; it is not always exported).
    static func parse(_ columnsVariable: String?) -> Int? {
        guard let text = columnsVariable, let n = Int(text), n > 0 else { return nil }
        return n
    }
}
