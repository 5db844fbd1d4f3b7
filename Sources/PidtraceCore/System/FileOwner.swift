import Glibc

/// Who gets the files pidtrace creates. Under sudo that is the user who ran sudo
/// (SUDO_UID/SUDO_GID): a recorded trace is theirs to read, move and delete, while
/// its 0600 mode still keeps everyone else out (argv can hold secrets).
public struct FileOwner: Sendable, Equatable {
    public var uid: uid_t
    public var gid: gid_t

    public init(uid: uid_t, gid: gid_t) {
        self.uid = uid
        self.gid = gid
    }

    /// The sudo invoker, when running as root under sudo; nil otherwise (without
    /// root the file is already the caller's, and chown would fail anyway).
    public static func sudoInvoker(environment: [String: String], euid: uid_t = geteuid()) -> FileOwner? {
        guard euid == 0, let uid = id(environment["SUDO_UID"]), let gid = id(environment["SUDO_GID"]) else {
            return nil
        }
        return FileOwner(uid: uid, gid: gid)
    }

    /// A decimal ID; not -1, which chown reads as "leave unchanged".
    private static func id(_ text: String?) -> UInt32? {
        guard let text, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let value = UInt32(text), value != UInt32.max else { return nil }
        return value
    }
}
