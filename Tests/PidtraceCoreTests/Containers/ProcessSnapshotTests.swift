import Foundation
import Testing
@testable import PidtraceCLI
@testable import PidtraceCore

@Suite("Container process snapshot from /proc")
struct ProcessSnapshotTests {
    @Test("a container's processes, nested namespaces included, PID 1 first")
    func members() {
        let p = CgroupResolverTests.fakeHost()
        let list = ProcessSnapshot.processes(inPIDNamespaceOf: 100, proc: ProcReader(root: p.root))
        #expect(list.map(\.hostPID) == [100, 101, 500, 501])
        #expect(list.map(\.nsPID) == [1, 7, 1, 2])
        #expect(list.map(\.nsPPID) == [0, 1, 0, 1])
        #expect(list.map(\.hostPPID) == [90, 100, 101, 500])
        #expect(list.map(\.nsLevel) == [1, 1, 2, 2])
        #expect(list[0].nsPIDs == [100, 1])
        #expect(list[0].pidns == p.inode("A"))
        #expect(list[2].pidns == p.inode("E"))
        #expect(list[0].comm == "sh")
        #expect(list[0].argv == [Array("sh".utf8), Array("-c".utf8), Array("sleep 1d & wait".utf8)])
        #expect(list[0].uid == 0 && list[0].startTicks == 1000)
    }

    @Test("the nested container alone, and containers of other runtimes")
    func otherNamespaces() {
        let p = CgroupResolverTests.fakeHost()
        let proc = ProcReader(root: p.root)
        #expect(ProcessSnapshot.processes(inPIDNamespaceOf: 500, proc: proc).map(\.hostPID) == [500, 501])
        #expect(ProcessSnapshot.processes(inPIDNamespaceOf: 300, proc: proc).map(\.hostPID) == [300])
        #expect(ProcessSnapshot.processes(inPIDNamespaceOf: 9999, proc: proc).isEmpty)
        let stopped = ContainerInfo(id: "x", name: "x", hostPID: 0, startedAt: nil, running: false, pidnsInode: nil, source: .dockerAPI)
        #expect(ProcessSnapshot.processes(of: stopped, proc: proc).isEmpty)
    }

    @Test("an orphaned nested init re-parented to the container's init still counts")
    func orphanedNestedInit() {
        let p = FakeProc()
        p.add(pid: 10, ppid: 1, nspid: [10, 1], pidns: "outer", comm: "init", argv: ["init"])
        p.add(pid: 20, ppid: 10, nspid: [20, 5, 1], pidns: "inner", comm: "inner", argv: ["inner"])
        p.add(pid: 30, ppid: 1, nspid: [30, 1], pidns: "other", comm: "other", argv: ["other"])
        p.add(pid: 40, ppid: 30, nspid: [40, 3, 1], pidns: "other-inner", comm: "x", argv: ["x"])
        let list = ProcessSnapshot.processes(inPIDNamespaceOf: 10, proc: ProcReader(root: p.root))
        #expect(list.map(\.hostPID) == [10, 20])
    }

    @Test("one process with its namespace parent; vanished processes are nil")
    func single() {
        let p = CgroupResolverTests.fakeHost()
        let proc = ProcReader(root: p.root)
        #expect(ProcessSnapshot.entry(hostPID: 101, proc: proc)?.nsPPID == 1)
        #expect(ProcessSnapshot.entry(hostPID: 100, proc: proc)?.nsPPID == 0)
        p.remove(pid: 101)
        #expect(ProcessSnapshot.entry(hostPID: 101, proc: proc) == nil)
    }

    @Test("start time is read past a comm holding spaces and parentheses")
    func statParsing() {
        let fields = (3...21).map { String($0) }.joined(separator: " ")
        #expect(ProcessSnapshot.startTicks("42 (a) b) (c) " + fields + " 987654 0 0") == 987654)
        #expect(ProcessSnapshot.startTicks("42 (x) S 1") == nil)
    }
}

@Suite("pidtrace ps output")
struct PsOutputTests {
    static let web = ContainerInfo(id: Recorded.webID, name: "fixture-web", hostPID: 8422, startedAt: nil, running: true,
                                   pidnsInode: 4026532180, source: .dockerAPI)
    static let processes = [
        ProcessEntry(hostPID: 8422, hostPPID: 8400, nsPID: 1, nsPPID: 0, nsPIDs: [8422, 1], pidns: 4026532180,
                     comm: "sh", argv: [Array("sh".utf8), Array("-c".utf8), Array("echo \"hi\"\n".utf8)], uid: 0, gid: 0),
        ProcessEntry(hostPID: 8500, hostPPID: 8422, nsPID: 7, nsPPID: 1, nsPIDs: [8500, 7], pidns: 4026532180,
                     comm: "zombie", argv: []),
    ]

    @Test("NDJSON: one object per process with snake_case keys")
    func ndjson() throws {
        let bytes = PsListing.ndjson([(Self.web, Self.processes)])
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["container_id"] as? String == Recorded.webID)
        #expect(first["container_name"] as? String == "fixture-web")
        #expect(first["ns_pid"] as? Int == 1)
        #expect(first["host_pid"] as? Int == 8422)
        #expect(first["ns_ppid"] as? Int == 0)
        #expect(first["host_ppid"] as? Int == 8400)
        #expect(first["ns_pids"] as? [Int] == [8422, 1])
        #expect(first["comm"] as? String == "sh")
        #expect(first["argv"] as? [String] == ["sh", "-c", "echo \"hi\"\n"])
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["argv"] as? [String] == [])
        #expect(second["uid"] == nil)
        let unnamed = ContainerInfo(id: Recorded.webID, name: nil, hostPID: 1, startedAt: nil, running: true, pidnsInode: 1, source: .cgroupScan)
        #expect(!String(decoding: PsListing.ndjson([(unnamed, Self.processes)]), as: UTF8.self).contains("container_name"))
    }

    @Test("table: the trace table's PID column order, names or short IDs, printable shell-quoted args")
    func table() {
        let text = String(decoding: PsListing.table([(Self.web, Self.processes)]), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "CONTAINER   HOST-PID HOST-PPID  NS-PID NS-PPID COMM             ARGS",
            "fixture-web     8422      8400       1       0 sh               sh -c 'echo \"hi\"?'",
            "fixture-web     8500      8422       7       1 zombie           [zombie]",
        ])
        let unnamed = ContainerInfo(id: Recorded.webID, name: nil, hostPID: 1, startedAt: nil, running: true, pidnsInode: 1, source: .cgroupScan)
        #expect(String(decoding: PsListing.table([(unnamed, Self.processes)]), as: UTF8.self).contains("\n2e89c798c02c "))
    }
}
