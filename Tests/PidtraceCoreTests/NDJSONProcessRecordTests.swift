import CPidtrace
import Testing
@testable import PidtraceCore

@Suite("NDJSON process records (docs/record.md)")
struct NDJSONProcessRecordTests {
    static let common: Set<String> = [
        "event", "time", "ts_ns", "host_pid", "host_tid", "host_ppid", "ns_pid", "ns_tid", "ns_ppid",
        "ns_pids", "pidns", "ns_level", "mntns", "cgroup_id", "comm", "uid", "gid",
    ]

    static func encode(_ record: ProcessRecord) throws -> [String: Any] {
        var out = JSONBuffer()
        NDJSONEncoder(clock: BootClock(offsetNs: 1_700_000_000_000_000_000)).encode(.process(record), into: &out)
        #expect(out.bytes.last == UInt8(ascii: "\n"))
        #expect(!out.bytes.dropLast().contains(UInt8(ascii: "\n")))
        return try JSONLines.object(Array(out.bytes))
    }

    @Test func forkHasTheCommonFieldsWithTheirValues() throws {
        let o = try Self.encode(ProcessRecord(event: .sample(.fork)))
        #expect(Set(o.keys) == Self.common)
        #expect(o["event"] as? String == "fork")
        #expect(o["time"] as? String == "2023-11-14T22:13:22.000000000Z")
        #expect(o["ts_ns"] as? Int == 2_000_000_000)
        #expect(o["host_pid"] as? Int == 4242)
        #expect(o["host_tid"] as? Int == 4243)
        #expect(o["host_ppid"] as? Int == 4000)
        #expect(o["ns_pid"] as? Int == 1)
        #expect(o["ns_tid"] as? Int == 2)
        #expect(o["ns_ppid"] as? Int == 0)
        #expect(o["ns_pids"] as? [Int] == [4242, 1])
        #expect(o["pidns"] as? Int == 4_026_532_999)
        #expect(o["ns_level"] as? Int == 1)
        #expect(o["mntns"] as? Int == 4_026_532_888)
        #expect(o["cgroup_id"] as? Int == 77)
        #expect(o["comm"] as? String == "sh")
        #expect(o["uid"] as? Int == 1000)
        #expect(o["gid"] as? Int == 1001)
    }

    @Test func threadForkOfANewNamespaceInitAddsBothFlags() throws {
        let flags = PT_FLAG_THREAD.rawValue | PT_FLAG_NEW_PIDNS.rawValue
        let o = try Self.encode(ProcessRecord(event: .sample(.fork, flags: flags)))
        #expect(Set(o.keys) == Self.common.union(["thread", "new_pidns"]))
        #expect(o["thread"] as? Bool == true)
        #expect(o["new_pidns"] as? Bool == true)
    }

    @Test func execAddsFilenameAndArgvFromTheArea() throws {
        let area = Array("ls\u{0}-l\u{0}\u{1b}[0m\u{0}".utf8)
        let o = try Self.encode(ProcessRecord(event: .sample(.exec, argsArea: area)))
        #expect(Set(o.keys) == Self.common.union(["filename", "argv", "argv_truncated"]))
        #expect(o["event"] as? String == "exec")
        #expect(o["filename"] as? String == "/bin/ls")
        #expect(o["argv"] as? [String] == ["ls", "-l", "\u{1b}[0m"])
        #expect(o["argv_truncated"] as? Bool == false)
    }

    @Test func execArgvFromTheCorrelatorWins() throws {
        let argv = Argv(args: [Array("a".utf8), [0xff]], truncated: true)
        let o = try Self.encode(ProcessRecord(event: .sample(.exec, argsArea: Array("x\u{0}".utf8)), argv: argv))
        #expect(o["argv"] as? [String] == ["a", "\u{FFFD}"])
        #expect(o["argv_truncated"] as? Bool == true)
    }

    @Test func execWithTruncatedAreaSaysSo() throws {
        let event = ProcessEvent.sample(.exec, flags: PT_FLAG_ARGS_TRUNCATED.rawValue, argsArea: Array("a\u{0}b".utf8))
        let o = try Self.encode(ProcessRecord(event: event))
        #expect(o["argv"] as? [String] == ["a", "b"])
        #expect(o["argv_truncated"] as? Bool == true)
    }

    @Test func normalExitHasExitCodeAndNoSignal() throws {
        let o = try Self.encode(ProcessRecord(event: .sample(.exit, exitStatus: 768)))
        #expect(Set(o.keys) == Self.common.union(["exit_code", "core_dumped", "age_ns"]))
        #expect(o["exit_code"] as? Int == 3)
        #expect(o["core_dumped"] as? Bool == false)
        #expect(o["age_ns"] as? Int == 500_000_000)
    }

    @Test func deathBySignalHasSignalAndNameAndNoExitCode() throws {
        let o = try Self.encode(ProcessRecord(event: .sample(.exit, exitStatus: 0x8b)))
        #expect(Set(o.keys) == Self.common.union(["signal", "signal_name", "core_dumped", "age_ns"]))
        #expect(o["signal"] as? Int == 11)
        #expect(o["signal_name"] as? String == "SIGSEGV")
        #expect(o["core_dumped"] as? Bool == true)
    }

    @Test func exitBeforeItsStartHasAgeZero() throws {
        var event = ProcessEvent.sample(.exit)
        event.startNs = event.tsNs + 1
        #expect(try Self.encode(ProcessRecord(event: event))["age_ns"] as? Int == 0)
    }

    @Test func hostProcessHasOneLevel() throws {
        var event = ProcessEvent.sample(.fork)
        event.nsLevel = 0
        event.nsPIDs = [4242]
        let o = try Self.encode(ProcessRecord(event: event))
        #expect(o["ns_pids"] as? [Int] == [4242])
        #expect(o["ns_pid"] as? Int == 4242)
    }

    @Test func commWithQuotesAndInvalidBytesStaysValidJSON() throws {
        var event = ProcessEvent.sample(.fork)
        event.comm = Comm(Array("a\"b\\".utf8) + [0xff, 0x0a])
        #expect(try Self.encode(ProcessRecord(event: event))["comm"] as? String == "a\"b\\\u{FFFD}\n")
    }
}

@Suite("NDJSON exec_failed records (docs/record.md)")
struct NDJSONExecFailedTests {
    @Test func failedExecHasThePathArgvAndTheErrorByNumberAndName() throws {
        var event = ProcessEvent.sample(.execFailed, argsArea: Array("/app/server\u{0}--port\u{0}80\u{0}".utf8))
        event.image = ExecImage(filename: "/app/server".utf8, argsArea: Array("/app/server\u{0}--port\u{0}80\u{0}".utf8))
        event.execFailure = ExecFailure(errno: 2)
        let web = ContainerAttribution(id: String(repeating: "ab", count: 32), name: "web", generation: 3)
        let o = try NDJSONProcessRecordTests.encode(ProcessRecord(event: event, container: web))
        #expect(o["event"] as? String == "exec_failed")
        #expect(Set(o.keys) == NDJSONProcessRecordTests.common.union([
            "filename", "argv", "argv_truncated", "errno", "error", "syscall",
            "container_id", "container_name", "container_generation",
        ]))
        #expect(o["filename"] as? String == "/app/server")
        #expect(o["argv"] as? [String] == ["/app/server", "--port", "80"])
        #expect(o["argv_truncated"] as? Bool == false)
        #expect(o["errno"] as? Int == 2)
        #expect(o["error"] as? String == "ENOENT")
        #expect(o["syscall"] as? String == "execve")
        #expect(o["host_pid"] as? Int == 4242)
        #expect(o["ns_pids"] as? [Int] == [4242, 1])
        #expect(o["container_generation"] as? Int == 3)
    }

    @Test(arguments: [(Int32(13), "EACCES"), (8, "ENOEXEC"), (7, "E2BIG"), (40, "ELOOP"), (95, "E95")])
    func errorNames(errno: Int32, name: String) throws {
        var event = ProcessEvent.sample(.execFailed)
        event.execFailure = ExecFailure(errno: errno, execveat: true)
        let o = try NDJSONProcessRecordTests.encode(ProcessRecord(event: event))
        #expect(o["errno"] as? Int == Int(errno))
        #expect(o["error"] as? String == name)
        #expect(o["syscall"] as? String == "execveat")
        #expect(ErrnoName.number(name) == errno)
    }

    @Test func truncatedArgvSaysSo() throws {
        var event = ProcessEvent.sample(.execFailed, argsArea: Array("a\u{0}b".utf8))
        event.flags = PT_FLAG_ARGS_TRUNCATED.rawValue
        let o = try NDJSONProcessRecordTests.encode(ProcessRecord(event: event))
        #expect(o["argv_truncated"] as? Bool == true)
    }
}
