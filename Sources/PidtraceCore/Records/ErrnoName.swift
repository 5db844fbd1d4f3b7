/// The errors an execve can return, by name and in words (Linux numbering, the same
/// on x86-64 and arm64).
public enum ErrnoName {
    static let known: [Int32: (name: String, meaning: String)] = [
        1: ("EPERM", "operation not permitted"),
        2: ("ENOENT", "no such file or directory"),
        5: ("EIO", "input/output error"),
        7: ("E2BIG", "argument list too long"),
        8: ("ENOEXEC", "exec format error"),
        11: ("EAGAIN", "resource temporarily unavailable"),
        12: ("ENOMEM", "out of memory"),
        13: ("EACCES", "permission denied"),
        14: ("EFAULT", "bad address"),
        20: ("ENOTDIR", "not a directory"),
        21: ("EISDIR", "is a directory"),
        22: ("EINVAL", "invalid argument"),
        23: ("ENFILE", "too many open files in system"),
        24: ("EMFILE", "too many open files"),
        26: ("ETXTBSY", "text file busy"),
        36: ("ENAMETOOLONG", "file name too long"),
        40: ("ELOOP", "too many levels of symbolic links"),
        80: ("ELIBBAD", "accessing a corrupted shared library"),
    ]

    /// "ENOENT"; a number with no name here is "E" and the number ("E95").
    public static func of(_ number: Int32) -> String {
        known[number]?.name ?? "E\(number)"
    }

    /// "no such file or directory"; nil for a number with no name here.
    public static func meaning(_ number: Int32) -> String? {
        known[number]?.meaning
    }

    /// The number of a name `of(_:)` gives, for records read back.
    public static func number(_ name: String) -> Int32? {
        if let hit = known.first(where: { $0.value.name == name }) { return hit.key }
        return name.hasPrefix("E") ? Int32(name.dropFirst()) : nil
    }
}
