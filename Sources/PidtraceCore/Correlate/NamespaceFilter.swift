/// The kernel side's filter of PID namespaces, as the container tracker drives it: a
/// container's new generation is watched, a namespace that is not ours unwatched.
/// In a trace it is the `BPFTracer`, handed to the tracker once loaded.
public protocol NamespaceFilter: AnyObject {
    /// `initHostPID`: the namespace's init, which the entry is tied to (`BPFTracer.watch`).
    func watch(pidNamespace inode: UInt32, initHostPID: UInt32) throws(BPFError)
    func unwatch(pidNamespace inode: UInt32, initHostPID: UInt32)
    func isWatched(pidNamespace inode: UInt32) -> Bool
    /// The end of the cgroup path a new namespace's init was forked into, as the
    /// kernel side saw it: for an init gone before its /proc/PID/cgroup was read.
    func cgroupTail(ofNamespaceInit hostPID: UInt32, startNs: UInt64) -> String?
}

extension BPFTracer: NamespaceFilter {}
