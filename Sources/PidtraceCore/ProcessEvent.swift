import CPidtrace

/// The kinds of process event the kernel side reports.
public enum EventKind: UInt32, Sendable, CaseIterable {
    case fork = 1, exec = 2, exit = 3, signal = 4, oomKill = 5, reap = 6

    public var name: String {
        switch self {
        case .fork: "fork"
        case .exec: "exec"
        case .exit: "exit"
        case .signal: "signal"
        case .oomKill: "oom_kill"
        case .reap: "reap"
        }
    }

    public init?(name: String) {
        guard let kind = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }
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
    /// exec only.
    public var filename: [UInt8] = []
    /// exec only: the raw NUL-separated argv area.
    public var argsArea: [UInt8] = []
    /// signal only.
    public var signal: SignalInfo?
    /// signal: the sender; reap: the parent it was released to.
    public var peer: Peer?
    /// oom_kill only: the memory cgroup.
    public var memcgID: UInt64?

    public var nsPID: UInt32 { nsPIDs.last ?? 0 }
    public var isThread: Bool { flags & PT_FLAG_THREAD.rawValue != 0 }
    public var startsNewPIDNamespace: Bool { flags & PT_FLAG_NEW_PIDNS.rawValue != 0 }
    public var isUnwatched: Bool { flags & PT_FLAG_UNWATCHED.rawValue != 0 }
    public var argsAreaTruncated: Bool { flags & PT_FLAG_ARGS_TRUNCATED.rawValue != 0 }
    public var exit: ExitStatus { ExitStatus(waitStatus: exitStatus) }
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

/// What signal_generate reported beyond the target.
public struct SignalInfo: Sendable, Equatable {
    public var number: Int32
    public var code: Int32
    /// The kernel's enum trace_signal_result.
    public var result: UInt32
    public var group: Bool

    public init(number: Int32, code: Int32, result: UInt32, group: Bool) {
        self.number = number
        self.code = code
        self.result = result
        self.group = group
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

    public var description: String {
        switch self {
        case let .tooShort(size, needed): "event record of \(size) bytes, expected at least \(needed)"
        case let .unknownKind(kind): "event record of unknown kind \(kind)"
        case let .badLevel(level): "event record with PID namespace level \(level)"
        }
    }
}

extension ProcessEvent {
    static let headerSize = MemoryLayout<pt_event>.size
    static let commOffset = MemoryLayout<pt_event>.offset(of: \pt_event.comm)!
    static let nsPIDsOffset = MemoryLayout<pt_event>.offset(of: \pt_event.ns_pids)!
    static let filenameOffset = MemoryLayout<pt_exec_event>.offset(of: \pt_exec_event.filename)!
    static let argsOffset = MemoryLayout<pt_exec_event>.offset(of: \pt_exec_event.args)!

    /// Decodes one record exactly as the BPF program wrote it (struct pt_event, or a
    /// struct pt_exec_event cut after `args_len` bytes of args).
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
                                group: full.group != 0)
            peer = Peer(full.sender)
            return
        case .reap:
            peer = Peer(try Self.load(pt_reap_event.self, from: record).reaper)
            return
        case .oomKill:
            memcgID = try Self.load(pt_oom_event.self, from: record).memcg_id
            return
        case .exec:
            break
        default:
            return
        }
        let argsEnd = Self.argsOffset + Int(raw.args_len)
        guard record.count >= argsEnd, raw.args_len <= UInt32(PT_ARGS_LEN) else {
            throw .tooShort(size: record.count, needed: argsEnd)
        }
        filename = Self.cString(UnsafeRawBufferPointer(
            rebasing: record[Self.filenameOffset..<Self.filenameOffset + Int(PT_FILENAME_LEN)]))
        argsArea = Array(record[Self.argsOffset..<argsEnd])
    }

    static func load<T>(_ type: T.Type, from record: UnsafeRawBufferPointer) throws(DecodeError) -> T {
        guard record.count >= MemoryLayout<T>.size else {
            throw .tooShort(size: record.count, needed: MemoryLayout<T>.size)
        }
        return record.loadUnaligned(as: T.self)
    }

    static func cString(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(bytes.prefix { $0 != 0 })
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
