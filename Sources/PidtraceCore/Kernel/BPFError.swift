import Glibc

/// A failed libbpf call: the operation and its errno (libbpf returns -errno).
public struct BPFError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}
