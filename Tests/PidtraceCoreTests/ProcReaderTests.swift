import Testing
import PidtraceCore

@Suite("ProcReader against a fake /proc tree")
struct ProcReaderTests {
    let proc: ProcTree
    let reader: ProcReader

    init() throws {
        proc = try ProcTree()
        reader = ProcReader(root: proc.root)
        try proc.write("4242/status", """
            Name:\tweird: name
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t4242
            NSpid:\t4242\t917\t1
            PPid:\t4000
            CapEff:\t000001ffffffffff

            """)
        try proc.write("4242/ns/pid")
        try proc.write("4242/ns/mnt")
        try proc.write("1/status", "Name:\tinit\nNSpid:   1\n")
        try proc.write("1/ns/pid")
        try proc.write("77/status", "Name:\told-kernel\n")
        try proc.write("self/status", "Name:\tself\n")
        try proc.write("sys/kernel/pid_max", "4194304\n")
        try proc.write("12ab/status")
    }

    @Test func statusFieldsSplitAtTheFirstColon() throws {
        let status = try #require(reader.status(pid: 4242))
        #expect(status["Name"] == "weird: name")
        #expect(status["State"] == "S (sleeping)")
        #expect(status["PPid"] == "4000")
        #expect(status["CapEff"] == "000001ffffffffff")
        #expect(status["Uid"] == nil)
    }

    @Test func statusOfAMissingProcessIsNil() {
        #expect(reader.status(pid: 5) == nil)
    }

    @Test func nsPIDsOutermostFirst() {
        #expect(reader.nsPIDs(pid: 4242) == [4242, 917, 1])
        #expect(reader.nsPIDs(pid: 1) == [1])
    }

    @Test func nsPIDsAbsentWithoutTheLine() {
        #expect(reader.nsPIDs(pid: 77) == nil)
        #expect(reader.nsPIDs(pid: 5) == nil)
    }

    @Test func namespaceInodesAreThoseOfTheNsFiles() throws {
        let pidns = try #require(proc.inode("4242/ns/pid"))
        let mntns = try #require(proc.inode("4242/ns/mnt"))
        #expect(pidns != mntns)
        #expect(reader.namespaceInode(pid: 4242) == pidns)
        #expect(reader.namespaceInode(pid: 4242, kind: "mnt") == mntns)
        #expect(reader.namespaceInode(pid: 77) == nil)
    }

    @Test func pidsAreTheNumericEntriesOnly() {
        #expect(Set(reader.pids()) == [1, 77, 4242])
    }

    @Test func pidNamespaceExistsWhenAProcessLivesInIt() throws {
        #expect(reader.pidNamespaceExists(try #require(proc.inode("1/ns/pid"))))
        #expect(!reader.pidNamespaceExists(try #require(proc.inode("4242/ns/mnt"))))
    }

    @Test func readBytesKeepsEveryByte() throws {
        let path = try proc.write("4242/cmdline", "sleep\u{0}10\u{0}")
        #expect(reader.readBytes(path) == Array("sleep\u{0}10\u{0}".utf8))
        #expect(reader.readBytes(proc.root + "/none") == nil)
    }

    @Test func readBytesReadsPastOneChunk() throws {
        let text = String(repeating: "0123456789", count: 1000)
        let path = try proc.write("big", text)
        #expect(reader.readText(path) == text)
    }
}
