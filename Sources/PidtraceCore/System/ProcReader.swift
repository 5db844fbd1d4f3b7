import Glibc

/// Reads process facts from a /proc tree (the real one, or a fake one in tests).
public struct ProcReader: Sendable {
    public let root: String

    public init(root: String = "/proc") { self.root = root }

    /// Lines of /proc/PID/status as key → value.
    public func status(pid: Int32) -> [String: String]? {
        guard let text = readText("\(root)/\(pid)/status") else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            fields[String(line[..<colon])] = String(value)
        }
        return fields
    }

    /// The `NSpid:` chain, outermost first: the kernel's own ground truth.
    public func nsPIDs(pid: Int32) -> [UInt32]? {
        guard let line = status(pid: pid)?["NSpid"] else { return nil }
        let values = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
        return values.isEmpty ? nil : values
    }

    /// Inode of the namespace `kind` ("pid", "mnt", ...) of a process.
    public func namespaceInode(pid: Int32, kind: String = "pid") -> UInt32? {
        var st = stat()
        guard stat("\(root)/\(pid)/ns/\(kind)", &st) == 0 else { return nil }
        return UInt32(truncatingIfNeeded: st.st_ino)
    }

    /// Host PIDs of all processes now in /proc.
    public func pids() -> [Int32] {
        guard let dir = opendir(root) else { return [] }
        defer { closedir(dir) }
        var result: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = Int32(name) { result.append(pid) }
        }
        return result
    }

    /// Whether any process lives in the PID namespace with this inode.
    public func pidNamespaceExists(_ inode: UInt32) -> Bool {
        pids().contains { namespaceInode(pid: $0) == inode }
    }

    public func readText(_ path: String) -> String? {
        guard let bytes = readBytes(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func readBytes(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}
