import Glibc

/// This process's resident memory (RSS), as `/proc/self/statm` gives it in pages.
public enum ResidentMemory {
    /// nil when /proc cannot be read.
    public static func bytes(proc: ProcReader = ProcReader()) -> Int? {
        guard let statm = proc.readText(proc.root + "/self/statm") else { return nil }
        return bytes(statm: statm, pageSize: Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// statm is "size resident shared text lib data dt", in pages.
    static func bytes(statm: String, pageSize: Int) -> Int? {
        let fields = statm.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]), pages >= 0, pageSize > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? nil : bytes
    }
}
