/// Arguments shown the way a POSIX shell would need them typed, so that
/// `nginx -g "daemon off;"` reads as one argument (`nginx -g 'daemon off;'`) and not
/// as three. For display only: the input is already made printable (control bytes
/// escaped), so what comes out is text to read, not a command to paste blindly.
public enum ShellQuote {
    /// `arg` as is when every character is one a shell leaves alone (the set of Python's
    /// `shlex.quote`), else in single quotes, each `'` written as `'\''`; '' when empty.
    public static func quote(_ arg: String) -> String {
        if arg.isEmpty { return "''" }
        if arg.utf8.allSatisfy(isSafe) { return arg }
        var out = "'"
        for c in arg {
            out += c == "'" ? #"'\''"# : String(c)
        }
        return out + "'"
    }

    /// Each argument quoted as needed, separated by one space.
    public static func join(_ args: some Sequence<String>) -> String {
        args.map(quote).joined(separator: " ")
    }

    /// ASCII letters, digits and `@%+=:,./-_`: nothing a shell would split, expand or
    /// interpret. Everything else (space, `;`, `$`, `*`, `~`, `#`, quotes, non-ASCII) is quoted.
    private static func isSafe(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "@%+=:,./-_".utf8.contains(b)
        }
    }
}
