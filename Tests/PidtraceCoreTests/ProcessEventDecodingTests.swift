import CPidtrace
import Testing
@testable import PidtraceCore

@Suite("ProcessEvent decoding from hand-built records")
struct ProcessEventDecodingTests {
    @Test func forkRecordDecodesEveryField() throws {
        var raw = RecordBytes.event(kind: .fork, nsPIDs: [48213, 2207, 41, 7], comm: "worker-1")
        raw.ts_ns = 0x1122_3344_5566_7788
        raw.start_ns = 5_000_000_123
        raw.cgroup_id = 0xdead_beef_0042
        raw.flags = PT_FLAG_THREAD.rawValue | PT_FLAG_NEW_PIDNS.rawValue
        raw.host_pid = 48213
        raw.host_tid = 48214
        raw.host_ppid = 48000
        raw.ns_tid = 8
        raw.ns_ppid = 1
        raw.pidns = 4_026_532_999
        raw.mntns = 4_026_532_111
        raw.uid = 1000
        raw.gid = 1001

        let e = try RecordBytes.decode(RecordBytes.bytes(raw))

        #expect(e.kind == .fork)
        #expect(e.tsNs == 0x1122_3344_5566_7788)
        #expect(e.startNs == 5_000_000_123)
        #expect(e.cgroupID == 0xdead_beef_0042)
        #expect(e.hostPID == 48213)
        #expect(e.hostTID == 48214)
        #expect(e.hostPPID == 48000)
        #expect(e.nsTID == 8)
        #expect(e.nsPPID == 1)
        #expect(e.nsLevel == 3)
        #expect(e.pidns == 4_026_532_999)
        #expect(e.mntns == 4_026_532_111)
        #expect(e.uid == 1000)
        #expect(e.gid == 1001)
        #expect(e.comm == "worker-1")
        #expect(e.nsPIDs == [48213, 2207, 41, 7])
        #expect(e.nsPID == 7)
        #expect(e.filename.isEmpty)
        #expect(e.argsArea.isEmpty)
    }

    @Test func flagsMapToTheirProperties() throws {
        var raw = RecordBytes.event(kind: .exit)
        raw.flags = PT_FLAG_UNWATCHED.rawValue | PT_FLAG_ARGS_TRUNCATED.rawValue
        let e = try RecordBytes.decode(RecordBytes.bytes(raw))
        #expect(e.flags == raw.flags)
        #expect(!e.isThread)
        #expect(!e.startsNewPIDNamespace)
        #expect(e.isUnwatched)
        #expect(e.argsAreaTruncated)
    }

    @Test func hostLevelHasOnePID() throws {
        let e = try RecordBytes.decode(RecordBytes.bytes(RecordBytes.event(kind: .exit, nsPIDs: [321])))
        #expect(e.nsLevel == 0)
        #expect(e.nsPIDs == [321])
    }

    @Test func deepestLevelCarriesAllThirtyTwoPIDs() throws {
        let chain = (0..<32).map { UInt32(1000 - $0) }
        let e = try RecordBytes.decode(RecordBytes.bytes(RecordBytes.event(kind: .fork, nsPIDs: chain)))
        #expect(Array(e.nsPIDs) == chain)
    }

    @Test func commOfFullLengthStopsAtTheField() throws {
        let e = try RecordBytes.decode(RecordBytes.bytes(RecordBytes.event(kind: .fork, comm: "abcdefghijklmnopq")))
        #expect(e.comm == "abcdefghijklmno")
    }

    @Test func execRecordCutAfterArgsDecodesFilenameAndArgs() throws {
        var base = RecordBytes.event(kind: .exec, nsPIDs: [900, 1])
        base.host_pid = 900
        let args: [UInt8] = Array("ls\u{0}-l\u{0}/tmp\u{0}".utf8)
        let bytes = RecordBytes.bytes(RecordBytes.exec(base, filename: Array("/bin/ls".utf8), args: args))
        #expect(bytes.count == MemoryLayout<pt_exec_event>.offset(of: \pt_exec_event.strings)! + args.count + "/bin/ls".utf8.count + 1)

        let e = try RecordBytes.decode(bytes)
        #expect(e.kind == .exec)
        #expect(e.hostPID == 900)
        #expect(e.nsPIDs == [900, 1])
        #expect(Array(e.filename) == Array("/bin/ls".utf8))
        #expect(Array(e.argsArea) == args)
    }

    @Test func execWhosePathWasUnreadableEndsAfterItsArgs() throws {
        let args: [UInt8] = Array("true\u{0}".utf8)
        let raw = RecordBytes.exec(RecordBytes.event(kind: .exec), filename: [], args: args)
        // The kernel side sends no path bytes at all when it cannot read the path.
        let e = try RecordBytes.decode(Array(RecordBytes.bytes(raw).dropLast()))
        #expect(e.filename.isEmpty)
        #expect(Array(e.argsArea) == args)
    }

    @Test func execWithNoArgsHasAnEmptyArea() throws {
        let raw = RecordBytes.exec(RecordBytes.event(kind: .exec), filename: Array("/x".utf8), args: [])
        let e = try RecordBytes.decode(RecordBytes.bytes(raw))
        #expect(Array(e.filename) == Array("/x".utf8))
        #expect(e.argsArea.isEmpty)
    }
}

@Suite("exec_failed records decoded from hand-built bytes")
struct ExecFailedDecodingTests {
    @Test func failedExecDecodesErrorPathAndArgs() throws {
        var base = RecordBytes.event(kind: .execFailed, nsPIDs: [900, 1], comm: "sh")
        base.host_pid = 900
        base.host_tid = 900
        base.ns_tid = 1
        let args: [UInt8] = Array("/app/server\u{0}--port\u{0}80\u{0}".utf8)
        let bytes = RecordBytes.execFailed(base, error: 2, filename: Array("/app/server".utf8), args: args)
        #expect(bytes.count == RecordBytes.failedStringsOffset + args.count + "/app/server".utf8.count + 1)

        let e = try RecordBytes.decode(bytes)
        #expect(e.kind == .execFailed)
        #expect(e.execFailure == ExecFailure(errno: 2, execveat: false))
        #expect(e.hostPID == 900)
        #expect(e.nsPIDs == [900, 1])
        #expect(e.comm == "sh")
        #expect(Array(e.filename) == Array("/app/server".utf8))
        #expect(Array(e.argsArea) == args)
        #expect(e.signal == nil && e.peer == nil && e.memcgID == nil)
    }

    @Test func execveatWithAnEmptyPathAndNoArgs() throws {
        let bytes = RecordBytes.execFailed(RecordBytes.event(kind: .execFailed), error: 8, execveat: true,
                                           filename: [], args: [])
        let e = try RecordBytes.decode(bytes)
        #expect(e.execFailure == ExecFailure(errno: 8, execveat: true))
        #expect(e.filename.isEmpty)
        #expect(e.argsArea.isEmpty)
    }

    @Test func aRecordCutBeforeItsStringsIsRefused() throws {
        let bytes = RecordBytes.execFailed(RecordBytes.event(kind: .execFailed), error: 2,
                                           filename: Array("/x".utf8), args: Array("x\u{0}".utf8))
        #expect(throws: DecodeError.tooShort(size: RecordBytes.failedStringsOffset - 1, needed: RecordBytes.failedStringsOffset)) {
            try RecordBytes.decode(Array(bytes.prefix(RecordBytes.failedStringsOffset - 1)))
        }
        // Args the record does not hold.
        #expect(throws: DecodeError.self) { try RecordBytes.decode(Array(bytes.prefix(RecordBytes.failedStringsOffset + 1))) }
    }

    @Test func argsLongerThanTheAreaAreRefused() throws {
        var base = RecordBytes.event(kind: .execFailed)
        base.kind = EventKind.execFailed.rawValue
        var bytes = RecordBytes.execFailed(base, error: 2, filename: [], args: [])
        bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: UInt32(PT_ARGS_LEN) + 1, toByteOffset: MemoryLayout<pt_event>.offset(of: \pt_event.args_len)!, as: UInt32.self)
        }
        #expect(throws: DecodeError.badArgsLength(UInt32(PT_ARGS_LEN) + 1)) { try RecordBytes.decode(bytes) }
    }
}
