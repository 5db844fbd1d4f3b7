import CPidtrace
@testable import PidtraceCore

/// Hand-built ring-buffer records, laid out by the C header exactly as the BPF side
/// writes them: a whole `pt_event`, or a `pt_exec_event` cut after its strings (args,
/// then the path and its NUL).
enum RecordBytes {
    static func event(kind: EventKind, nsPIDs: [UInt32] = [100], comm: String = "sh") -> pt_event {
        var e = pt_event()
        e.kind = kind.rawValue
        e.ns_level = UInt32(nsPIDs.count - 1)
        withUnsafeMutableBytes(of: &e.comm) { $0.copyBytes(from: comm.utf8.prefix(Int(PT_COMM_LEN) - 1)) }
        withUnsafeMutableBytes(of: &e.ns_pids) { raw in
            for (i, pid) in nsPIDs.enumerated() { raw.storeBytes(of: pid, toByteOffset: i * 4, as: UInt32.self) }
        }
        return e
    }

    static func exec(_ base: pt_event, filename: [UInt8], args: [UInt8]) -> pt_exec_event {
        var e = pt_exec_event()
        e.base = base
        e.base.args_len = UInt32(args.count)
        withUnsafeMutableBytes(of: &e) { $0[stringsOffset...].copyBytes(from: args + filename + [0]) }
        return e
    }

    static let stringsOffset = MemoryLayout<pt_exec_event>.offset(of: \pt_exec_event.strings)!
    static let failedStringsOffset = MemoryLayout<pt_exec_failed_event>.offset(of: \pt_exec_failed_event.strings)!

    /// A failed-exec record as sent: the header, the error, args_len bytes of args, the path and its NUL.
    static func execFailed(_ base: pt_event, error: Int32, execveat: Bool = false, filename: [UInt8], args: [UInt8]) -> [UInt8] {
        var e = pt_exec_failed_event()
        e.base = base
        e.base.kind = EventKind.execFailed.rawValue
        e.base.args_len = UInt32(args.count)
        e.error = error
        e.syscall = execveat ? PT_SYSCALL_EXECVEAT.rawValue : PT_SYSCALL_EXECVE.rawValue
        withUnsafeMutableBytes(of: &e) { $0[failedStringsOffset...].copyBytes(from: args + filename + [0]) }
        return withUnsafeBytes(of: e) {
            Array($0.prefix(Int(pt_exec_failed_event_size(UInt32(args.count), UInt32(filename.count + 1)))))
        }
    }

    static func bytes(_ event: pt_event) -> [UInt8] {
        withUnsafeBytes(of: event) { Array($0) }
    }

    /// The exec record as sent: cut after the path's NUL, which follows args_len bytes of args.
    static func bytes(_ exec: pt_exec_event) -> [UInt8] {
        let pathLength = withUnsafeBytes(of: exec) { $0[(stringsOffset + Int(exec.base.args_len))...].prefix { $0 != 0 }.count }
        return withUnsafeBytes(of: exec) {
            Array($0.prefix(Int(pt_exec_event_size(exec.base.args_len, UInt32(pathLength + 1)))))
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> ProcessEvent {
        try bytes.withUnsafeBytes { try ProcessEvent(record: $0) }
    }
}
