import CPidtrace

/// The kinds of process event the kernel side reports.
public enum EventKind: UInt32, Sendable, CaseIterable {
    case fork = 1, exec = 2, exit = 3, signal = 4, oomKill = 5, reap = 6, execFailed = 7

    public var name: String {
        switch self {
        case .fork: "fork"
        case .exec: "exec"
        case .exit: "exit"
        case .signal: "signal"
        case .oomKill: "oom_kill"
        case .reap: "reap"
        case .execFailed: "exec_failed"
        }
    }

    public init?(name: String) {
        guard let kind = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }

    /// What a trace records unless told otherwise: all but `exec_failed`. Its syscall
    /// tracepoints put every syscall of every task on the host on the kernel's slower
    /// traced path while attached (here +55-65 ns per syscall, a third of a getppid()),
    /// whichever syscall the program is for: asked for with `--events +exec_failed`.
    public static let defaults: Set<EventKind> = Set(allCases).subtracting([.execFailed])
}

/// One decoded ring-buffer record: a single process's fork, exec or exit.
public struct ProcessEvent: Sendable, Equatable {
    public var kind: EventKind
    public var flags: UInt32
    public var tsNs: UInt64
    public var startNs: UInt64
    public var cgroupID: UInt64
    public var hostPID: UInt32
    public var hostTID: UInt32
    public var hostPPID: UInt32
    public var nsTID: UInt32
    public var nsPPID: UInt32
    public var nsLevel: UInt32
    public var pidns: UInt32
    public var mntns: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// exit: the kernel's wait status (see `ExitStatus`).
    public var exitStatus: UInt32
    public var comm: Comm
    /// The process's PID at every level, outermost first, as `NSpid:` shows it.
    public var nsPIDs: PIDChain
    /// exec only: the new image's path and argv area.
    public var image = ExecImage()
    /// signal only.
    public var signal: SignalInfo?
    /// signal: the sender; reap: the parent it was released to.
    public var peer: Peer?
    /// oom_kill only: the memory cgroup.
    public var memcgID: UInt64?
    /// exec_failed only: the error (its path and argv are in `image`).
    public var execFailure: ExecFailure?

    /// exec: the new image's path; exec_failed: the path the process passed.
    public var filename: ArraySlice<UInt8> { image.filename }
    /// exec, exec_failed: the raw NUL-separated argv area.
    public var argsArea: ArraySlice<UInt8> { image.argsArea }
    public var nsPID: UInt32 { nsPIDs.last ?? 0 }
    public var isThread: Bool { flags & PT_FLAG_THREAD.rawValue != 0 }
    public var startsNewPIDNamespace: Bool { flags & PT_FLAG_NEW_PIDNS.rawValue != 0 }
    public var isUnwatched: Bool { flags & PT_FLAG_UNWATCHED.rawValue != 0 }
    public var argsAreaTruncated: Bool { flags & PT_FLAG_ARGS_TRUNCATED.rawValue != 0 }
    /// A new namespace's init whose namespace the kernel side now watches until it is claimed or dropped.
    public var isWatchedTentatively: Bool { flags & PT_FLAG_WATCH_TENTATIVE.rawValue != 0 }
    public var exit: ExitStatus { ExitStatus(waitStatus: exitStatus) }
}

/// An exec's path and argv area as the kernel copied them, in one allocation: the
/// argv recorded from it usually shares it (`Argv`).
public struct ExecImage: Sendable, Equatable {
    /// The path, then the area.
    private let bytes: [UInt8]
    private let filenameCount: Int

    public init() {
        bytes = []
        filenameCount = 0
    }

    public init(filename: some Collection<UInt8>, argsArea: some Collection<UInt8>) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(filename.count + argsArea.count)
        bytes += filename
        bytes += argsArea
        self.bytes = bytes
        filenameCount = filename.count
    }

    public var filename: ArraySlice<UInt8> { bytes[..<filenameCount] }
    public var argsArea: ArraySlice<UInt8> { bytes[filenameCount...] }
}

/// Why an exec failed (struct pt_exec_failed_event).
public struct ExecFailure: Sendable, Equatable {
    /// The errno the syscall returned (ENOENT, EACCES, ENOEXEC, ...).
    public var errno: Int32
    /// execveat(2) rather than execve(2): its path may be relative to a directory descriptor.
    public var execveat: Bool

    public init(errno: Int32, execveat: Bool = false) {
        self.errno = errno
        self.execveat = execveat
    }
}

/// Another process in an event (struct pt_peer).
public struct Peer: Sendable, Equatable {
    public var hostPID: UInt32
    public var hostTID: UInt32
    /// In the event process's PID namespace (signal), or the peer's own (reap); 0 when outside.
    public var nsPID: UInt32
    public var pidns: UInt32
    public var comm: Comm

    public init(hostPID: UInt32, hostTID: UInt32, nsPID: UInt32, pidns: UInt32, comm: Comm) {
        self.hostPID = hostPID
        self.hostTID = hostTID
        self.nsPID = nsPID
        self.pidns = pidns
        self.comm = comm
    }

    init(_ raw: pt_peer) {
        let comm = withUnsafeBytes(of: raw.comm) { Comm(raw: $0, offset: 0) }
        self.init(hostPID: raw.host_pid, hostTID: raw.host_tid, nsPID: raw.ns_pid, pidns: raw.pidns, comm: comm)
    }
}

/// Who really caused a signal (enum pt_signal_origin).
public enum SignalOrigin: UInt32, Sendable {
    /// kill(), tgkill() or sigqueue() by the sender.
    case process = 1
    /// Generated by the kernel (a fault, SIGCHLD, SIGPIPE, the OOM killer, a timer...):
    /// the sender is only the task that happened to be running.
    case kernel = 2
    /// SIGKILL to every process of a PID namespace whose init exited; the sender is that init.
    case pidnsTeardown = 3

    public var name: StaticString {
        switch self {
        case .process: "process"
        case .kernel: "kernel"
        case .pidnsTeardown: "pidns_teardown"
        }
    }
}

/// What signal_generate reported beyond the target.
public struct SignalInfo: Sendable, Equatable {
    public var number: Int32
    public var code: Int32
    /// The kernel's enum trace_signal_result.
    public var result: UInt32
    public var group: Bool
    public var origin: SignalOrigin

    public init(number: Int32, code: Int32, result: UInt32, group: Bool, origin: SignalOrigin = .process) {
        self.number = number
        self.code = code
        self.result = result
        self.group = group
        self.origin = origin
    }

    public var resultName: String {
        switch result {
        case 0: "delivered"
        case 1: "ignored"
        case 2: "already_pending"
        case 3: "overflow_fail"
        case 4: "lose_info"
        default: "result_\(result)"
        }
    }
}

public enum DecodeError: Error, Equatable, CustomStringConvertible {
    case tooShort(size: Int, needed: Int)
    case unknownKind(UInt32)
    case badLevel(UInt32)
    case badArgsLength(UInt32)

    public var description: String {
        switch self {
        case let .tooShort(size, needed): "event record of \(size) bytes, expected at least \(needed)"
        case let .unknownKind(kind): "event record of unknown kind \(kind)"
        case let .badLevel(level): "event record with PID namespace level \(level)"
        case let .badArgsLength(length): "exec record with \(length) bytes of argv, beyond the \(PT_ARGS_LEN) the kernel side copies"
        }
    }
}

extension ProcessEvent {
    static let headerSize = MemoryLayout<pt_event>.size
    static let commOffset = MemoryLayout<pt_event>.offset(of: \pt_event.comm)!
    static let nsPIDsOffset = MemoryLayout<pt_event>.offset(of: \pt_event.ns_pids)!
    static let stringsOffset = MemoryLayout<pt_exec_event>.offset(of: \pt_exec_event.strings)!
    static let failedErrorOffset = MemoryLayout<pt_exec_failed_event>.offset(of: \pt_exec_failed_event.error)!
    static let failedSyscallOffset = MemoryLayout<pt_exec_failed_event>.offset(of: \pt_exec_failed_event.syscall)!
    static let failedStringsOffset = MemoryLayout<pt_exec_failed_event>.offset(of: \pt_exec_failed_event.strings)!

    /// Decodes one record exactly as the BPF program wrote it (struct pt_event, one of
    /// the other kinds' structs, or a struct pt_exec_event cut after its strings).
    @inline(__always) // built in place in the caller: a returned copy cost as much as the decoding
    public init(record: UnsafeRawBufferPointer) throws(DecodeError) {
        guard record.count >= Self.headerSize else {
            throw .tooShort(size: record.count, needed: Self.headerSize)
        }
        let raw = record.loadUnaligned(as: pt_event.self)
        guard let kind = EventKind(rawValue: raw.kind) else { throw .unknownKind(raw.kind) }
        guard raw.ns_level < UInt32(PT_MAX_NS_LEVELS) else { throw .badLevel(raw.ns_level) }
        self.kind = kind
        flags = raw.flags
        tsNs = raw.ts_ns
        startNs = raw.start_ns
        cgroupID = raw.cgroup_id
        hostPID = raw.host_pid
        hostTID = raw.host_tid
        hostPPID = raw.host_ppid
        nsTID = raw.ns_tid
        nsPPID = raw.ns_ppid
        nsLevel = raw.ns_level
        pidns = raw.pidns
        mntns = raw.mntns
        uid = raw.uid
        gid = raw.gid
        exitStatus = raw.exit_code
        comm = Comm(raw: record, offset: Self.commOffset)
        nsPIDs = PIDChain(raw: record, offset: Self.nsPIDsOffset, count: Int(raw.ns_level) + 1)
        switch kind {
        case .signal:
            let full = try Self.load(pt_signal_event.self, from: record)
            signal = SignalInfo(number: Int32(full.signal), code: full.si_code, result: full.result,
                                group: full.group != 0, origin: SignalOrigin(rawValue: full.origin) ?? .kernel)
            peer = Peer(full.sender)
            return
        case .reap:
            peer = Peer(try Self.load(pt_reap_event.self, from: record).reaper)
            return
        case .oomKill:
            memcgID = try Self.load(pt_oom_event.self, from: record).memcg_id
            return
        case .exec:
            image = try Self.image(record, stringsOffset: Self.stringsOffset, argsLength: raw.args_len)
        case .execFailed:
            guard record.count >= Self.failedStringsOffset else {
                throw .tooShort(size: record.count, needed: Self.failedStringsOffset)
            }
            execFailure = ExecFailure(
                errno: record.loadUnaligned(fromByteOffset: Self.failedErrorOffset, as: Int32.self),
                execveat: record.loadUnaligned(fromByteOffset: Self.failedSyscallOffset, as: UInt32.self)
                    == PT_SYSCALL_EXECVEAT.rawValue)
            image = try Self.image(record, stringsOffset: Self.failedStringsOffset, argsLength: raw.args_len)
        default:
            return
        }
    }

    /// An exec's (or failed exec's) argv area at `stringsOffset`, then its path.
    @inline(__always)
    static func image(_ record: UnsafeRawBufferPointer, stringsOffset: Int, argsLength: UInt32) throws(DecodeError) -> ExecImage {
        guard argsLength <= UInt32(PT_ARGS_LEN) else { throw .badArgsLength(argsLength) }
        let argsEnd = stringsOffset + Int(argsLength)
        guard record.count >= argsEnd else { throw .tooShort(size: record.count, needed: argsEnd) }
        // The path runs to its NUL or the end of the record.
        let path = UnsafeRawBufferPointer(rebasing: record[argsEnd...])
        return ExecImage(filename: path.prefix { $0 != 0 },
                         argsArea: UnsafeRawBufferPointer(rebasing: record[stringsOffset..<argsEnd]))
    }

    static func load<T>(_ type: T.Type, from record: UnsafeRawBufferPointer) throws(DecodeError) -> T {
        guard record.count >= MemoryLayout<T>.size else {
            throw .tooShort(size: record.count, needed: MemoryLayout<T>.size)
        }
        return record.loadUnaligned(as: T.self)
    }
}

/// A wait status as the kernel keeps it in task->exit_code.
public struct ExitStatus: Sendable, Equatable {
    public let waitStatus: UInt32
    public init(waitStatus: UInt32) { self.waitStatus = waitStatus }

    /// The terminating signal, or nil for a normal exit.
    public var signal: Int32? {
        let sig = Int32(waitStatus & 0x7f)
        return sig == 0 ? nil : sig
    }
    /// The exit code (0–255) of a normal exit, nil when killed by a signal.
    public var code: Int32? { signal == nil ? Int32((waitStatus >> 8) & 0xff) : nil }
    public var coreDumped: Bool { waitStatus & 0x80 != 0 }
}
