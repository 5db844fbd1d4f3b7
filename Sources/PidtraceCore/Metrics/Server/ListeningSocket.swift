import Glibc

/// A non-blocking TCP socket listening on a numeric address; closed by `close` or its deinit.
final class ListeningSocket {
    private(set) var fd: Int32
    /// The port bound: the one asked for, or the kernel's choice for port 0 (tests).
    let port: UInt16

    /// Few at once: one Prometheus, perhaps a second, a curl.
    static let backlog: Int32 = 16

    init(host: String, port: UInt16) throws(MetricsServerError) {
        let address = MetricsAddress.listen(host: host, port: port)
        let v6 = host.contains(":")
        var storage = sockaddr_storage()
        let length: socklen_t
        if v6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &a.sin6_addr) == 1 else {
                throw .cannotListen(address, operation: "read the address", errno: EINVAL)
            }
            withUnsafeBytes(of: a) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else {
                throw .cannotListen(address, operation: "read the address", errno: EINVAL)
            }
            withUnsafeBytes(of: a) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotListen(address, operation: "socket", errno: errno) }
        // A restarted agent binds again while its old connections sit in TIME_WAIT; on
        // Linux this does not let two sockets listen on one port.
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        if bound != 0 || listen(fd, Self.backlog) != 0 {
            let e = errno
            Glibc.close(fd)
            if e == EADDRINUSE { throw .addressInUse(address) }
            throw .cannotListen(address, operation: bound != 0 ? "bind" : "listen", errno: e)
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        // sin_port and sin6_port sit at the same offset.
        let boundPort = withUnsafeBytes(of: actual) { $0.load(fromByteOffset: 2, as: UInt16.self) }
        self.fd = fd
        self.port = UInt16(bigEndian: boundPort)
    }

    /// Frees the port; once only.
    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    deinit { close() }
}
