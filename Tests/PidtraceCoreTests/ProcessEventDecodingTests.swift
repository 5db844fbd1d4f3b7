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
