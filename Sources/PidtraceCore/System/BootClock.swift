import Glibc

/// Turns kernel boot-time nanoseconds (bpf_ktime_get_boot_ns) into wall-clock time.
/// The offset is read once at start: a trace stays internally consistent even if
/// the wall clock is stepped while it runs.
public struct BootClock: Sendable {
    public let realtimeMinusBoottimeNs: Int64

    public init() {
        var boot = timespec(), real = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        clock_gettime(CLOCK_REALTIME, &real)
        realtimeMinusBoottimeNs = Self.ns(real) - Self.ns(boot)
    }

    public init(offsetNs: Int64) { realtimeMinusBoottimeNs = offsetNs }

    public static func nowBootNs() -> UInt64 {
        var boot = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        return UInt64(ns(boot))
    }

    public func wallNs(bootNs: UInt64) -> Int64 { Int64(bootNs) + realtimeMinusBoottimeNs }

    /// The boot-clock time of a wall-clock instant (another program's timestamp).
    public func bootNs(wallNs: Int64) -> Int64 { wallNs - realtimeMinusBoottimeNs }

    static func ns(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }
}

/// Date and time-of-day fields of a wall-clock instant, in UTC.
struct CivilTime {
    var year, month, day, hour, minute, second: Int
    var nanos: Int

    init(wallNs: Int64) {
        let secs = wallNs >= 0 ? wallNs / 1_000_000_000 : (wallNs - 999_999_999) / 1_000_000_000
        nanos = Int(wallNs - secs * 1_000_000_000)
        var t = time_t(secs), tm = tm()
        gmtime_r(&t, &tm)
        year = Int(tm.tm_year) + 1900
        month = Int(tm.tm_mon) + 1
        day = Int(tm.tm_mday)
        hour = Int(tm.tm_hour)
        minute = Int(tm.tm_min)
        second = Int(tm.tm_sec)
    }
}
