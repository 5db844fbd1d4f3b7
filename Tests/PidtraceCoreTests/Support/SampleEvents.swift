@testable import PidtraceCore

extension ProcessEvent {
    /// PID 1 of a container (host PID 4242), alive for 0.5 s at ts_ns 2 s.
    static func sample(_ kind: EventKind, flags: UInt32 = 0, exitStatus: UInt32 = 0,
                       comm: String = "sh", argsArea: [UInt8] = []) -> ProcessEvent {
        var event = ProcessEvent(kind: kind, flags: flags, tsNs: 2_000_000_000, startNs: 1_500_000_000, cgroupID: 77,
                     hostPID: 4242, hostTID: 4243, hostPPID: 4000, nsTID: 2, nsPPID: 0, nsLevel: 1,
                     pidns: 4_026_532_999, mntns: 4_026_532_888, uid: 1000, gid: 1001,
                     exitStatus: exitStatus, comm: Comm(comm.utf8), nsPIDs: [4242, 1],
                     image: kind == .exec || kind == .execFailed
                         ? ExecImage(filename: "/bin/ls".utf8, argsArea: argsArea) : ExecImage())
        if kind == .execFailed { event.execFailure = ExecFailure(errno: 2) }
        return event
    }
}
