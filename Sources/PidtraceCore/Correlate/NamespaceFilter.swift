/// The kernel side's filter of PID namespaces, as the container tracker drives it: a
/// container's new generation is watched, a namespace that is not ours unwatched.
/// In a trace it is the `BPFTracer`, handed to the tracker once loaded.
public protocol NamespaceFilter: AnyObject {
    func watch(pidNamespace inode: UInt32) throws(BPFError)
    func unwatch(pidNamespace inode: UInt32)
}

extension BPFTracer: NamespaceFilter {}
