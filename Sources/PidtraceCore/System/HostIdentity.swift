import Glibc

/// Which host and boot a trace comes from (the `start` record, `pidtrace check`).
public struct HostIdentity: Sendable, Equatable {
    public var hostname: String
    /// `uname -r`.
    public var kernelRelease: String
    /// /proc/sys/kernel/random/boot_id: `ts_ns` values compare only within one boot.
    public var bootID: String

    public static func current(proc: ProcReader = ProcReader()) -> HostIdentity {
        var uts = utsname()
        uname(&uts)
        let bootID = proc.readText("/proc/sys/kernel/random/boot_id")?
            .split(separator: "\n").first.map(String.init) ?? ""
        return HostIdentity(hostname: cString(uts.nodename), kernelRelease: cString(uts.release), bootID: bootID)
    }

    /// A NUL-terminated field of `utsname` (a C char array, a tuple in Swift).
    private static func cString<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
