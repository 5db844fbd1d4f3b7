/// `--redact-args`: secret values in recorded argv become `***`, for users who must
/// not keep credentials in a trace. Three shapes are recognised:
///
/// - an option whose name ends in a secret word, then its value as the next argument:
///   `--password hunter2`, `--db-password x`, `--api-key x`, `-token x` (not `-p`:
///   it is a port as often as a password; not `--password-stdin` or
///   `--no-password`, which take no value);
/// - the same with `=`: `--password=hunter2`, `--client-secret=x`;
/// - `KEY=VALUE` (environment style) whose KEY contains a secret word anywhere:
///   `MYSQL_ROOT_PASSWORD=x`, `aws_secret_access_key=x`, `-Dapi.token=x`.
///
/// Matching is ASCII case-insensitive, with `-` and `.` read as `_`. Bytes are
/// compared as bytes: an argument need not be UTF-8.
public enum ArgvRedaction {
    public static let mask: [UInt8] = Array("***".utf8)

    /// Words that make a KEY secret wherever they occur in it.
    static let secretWords: [[UInt8]] = [
        "password", "passwd", "secret", "token", "api_key", "apikey", "access_key", "private_key", "credentials",
    ].map { Array($0.utf8) }

    public static func redact(_ argv: Argv) -> Argv {
        var out = argv
        out.args = redact(argv.args)
        return out
    }

    public static func redact(_ args: [[UInt8]]) -> [[UInt8]] {
        var out = args
        var index = 0
        while index < out.count {
            let arg = out[index]
            if let eq = arg.firstIndex(of: UInt8(ascii: "=")), eq > 0 {
                if isSecretKey(arg[..<eq]) { out[index] = Array(arg[...eq]) + mask }
            } else if takesSecretValue(arg), index + 1 < out.count {
                out[index + 1] = mask
                index += 1 // the value is not itself an option
            }
            index += 1
        }
        return out
    }

    /// `KEY` of `KEY=VALUE` (dashes of an option included): a name made of
    /// [A-Za-z0-9_.-] that contains a secret word. A `=` inside free text
    /// (`sh -c 'echo a=b'`) is not a KEY.
    static func isSecretKey(_ key: ArraySlice<UInt8>) -> Bool {
        guard key.allSatisfy(isNameByte) else { return false }
        let name = normalized(key.drop { $0 == UInt8(ascii: "-") })
        return secretWords.contains { contains(name, $0) }
    }

    /// An option (`-x…`, `--x…`, not a lone `-p`-style letter) whose name ends in a
    /// secret word, so that its value comes next.
    static func takesSecretValue(_ arg: [UInt8]) -> Bool {
        guard arg.first == UInt8(ascii: "-") else { return false }
        let body = arg.drop { $0 == UInt8(ascii: "-") }
        guard body.count > 1, body.allSatisfy(isNameByte) else { return false }
        let name = normalized(body)
        if name.starts(with: Array("no_".utf8)) { return false } // `--no-password`: a switch
        return secretWords.contains { name.count >= $0.count && name.suffix($0.count).elementsEqual($0) }
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// Lowercase, with `-` and `.` as `_`.
    private static func normalized(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { b in
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): b + 32
            case UInt8(ascii: "-"), UInt8(ascii: "."): UInt8(ascii: "_")
            default: b
            }
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
