import Foundation
import Glibc
import Testing

/// The core tracer against the kernel's own ground truth (/proc/PID/status NSpid).
@Suite(.serialized, .requires(.root))
struct CoreTracerTests {
    @Test func namespacePIDsMatchProc() throws {
        let tracer = try TracerRun([])
        let s = uniqueSleep()
        let workload = try Workload("exec unshare --pid --fork --kill-child sh -c 'sleep \(s) & sleep \(s) & exec sleep \(s)'")
        let records = try tracer.waitFor("three sleeps") { records in
            records.filter { $0.event == "exec" && $0.strings("argv") == ["sleep", s] }.count == 3
        }
        let initFork = try #require(records.first { $0.event == "fork" && $0.int("host_ppid") == Int(workload.pid) })
        #expect(initFork["new_pidns"] as? Bool == true)
        let pidns = try #require(initFork.int("pidns"))
        let inNamespace = records.filter { ["fork", "exec"].contains($0.event) && $0.int("pidns") == pidns }
        var checked = 0
        for record in inNamespace {
            let hostPID = try #require(record.int("host_pid"))
            guard let truth = Kernel.nsPIDs(hostPID) else { continue } // already gone
            #expect(record.ints("ns_pids") == truth, "host PID \(hostPID)")
            #expect(record.int("ns_pid") == truth.last)
            #expect(record.int("host_pid") == truth.first)
            #expect(record.int("ns_level") == truth.count - 1)
            #expect(Kernel.pidNamespace(hostPID) == pidns)
            checked += 1
        }
        #expect(checked >= 4, "fork and exec records of live processes checked against /proc")
        let initRecords = inNamespace.filter { $0.int("host_pid") == initFork.int("host_pid") }
        #expect(!initRecords.isEmpty && initRecords.allSatisfy { $0.int("ns_pid") == 1 && $0.int("ns_ppid") == 0 })
        let children = inNamespace.filter { $0.event == "fork" && $0.int("ns_pid") != 1 }
        #expect(children.count == 2)
        #expect(children.allSatisfy { $0.int("ns_ppid") == 1 && $0.int("host_ppid") == initFork.int("host_pid") })
        _ = workload
    }

    @Test func nestedNamespacesCarryEveryLevel() throws {
        let tracer = try TracerRun([])
        let s = uniqueSleep()
        let workload = try Workload(
            "exec unshare --pid --fork --kill-child unshare --pid --fork --kill-child sleep \(s)")
        let records = try tracer.waitFor("the nested sleep") { records in
            records.contains { $0.event == "exec" && $0.strings("argv") == ["sleep", s] }
        }
        let exec = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["sleep", s] })
        let hostPID = try #require(exec.int("host_pid"))
        let truth = try #require(Kernel.nsPIDs(hostPID))
        #expect(truth.count == 3)
        #expect(exec.ints("ns_pids") == truth)
        #expect(exec.int("ns_level") == 2)
        #expect(exec.int("ns_pid") == 1 && exec.int("ns_ppid") == 0)
        #expect(exec.int("pidns") == Kernel.pidNamespace(hostPID))
        _ = workload
    }

    @Test func execChainOnNamespaceInit() throws {
        let tracer = try TracerRun(["--events", "exec"])
        let s = uniqueSleep()
        let workload = try Workload("exec unshare --pid --fork --kill-child sh -c 'exec sleep \(s)'")
        let records = try tracer.waitFor("exec of sleep") { records in
            records.contains { $0.strings("argv") == ["sleep", s] }
        }
        let sleep = try #require(records.first { $0.strings("argv") == ["sleep", s] })
        let chain = records.filter { $0.int("host_pid") == sleep.int("host_pid") }
        #expect(chain.map { $0.strings("argv") ?? [] } == [["sh", "-c", "exec sleep \(s)"], ["sleep", s]])
        #expect(chain.allSatisfy { $0.event == "exec" && $0.int("ns_pid") == 1 && $0.int("ns_ppid") == 0 })
        #expect(sleep["filename"] as? String == "/usr/bin/sleep" || sleep["filename"] as? String == "/bin/sleep")
        _ = workload
    }

    @Test(arguments: [
        ("exit 3", 3, nil as String?),
        ("kill -KILL $$", nil, "SIGKILL"),
        ("kill -SEGV $$", nil, "SIGSEGV"),
    ] as [(String, Int?, String?)])
    func exitReporting(script: String, code: Int?, signal: String?) throws {
        let tracer = try TracerRun(["--events", "exit"])
        let workload = try Workload(script)
        _ = try workload.wait()
        let pid = Int(workload.pid)
        let records = try tracer.waitFor("exit of \(pid)") { $0.contains { $0.int("host_pid") == pid } }
        let exits = records.filter { $0.int("host_pid") == pid }
        #expect(exits.count == 1)
        let exit = try #require(exits.first)
        #expect(exit.int("exit_code") == code)
        #expect(exit["signal_name"] as? String == signal)
        if let signal { #expect(exit.int("signal") == (signal == "SIGKILL" ? 9 : 11)) }
        #expect((exit.int("age_ns") ?? 0) > 0)
    }

    static let threadScript = """
        import threading, time
        ts = [threading.Thread(target=time.sleep, args=(0.2,)) for _ in range(4)]
        [t.start() for t in ts]; [t.join() for t in ts]
        """

    @Test func multiThreadedProcessExitsOnce() throws {
        let tracer = try TracerRun(["--events", "fork,exit"])
        let workload = try Workload("exec /usr/bin/python3 -c \"$1\"", arguments: [Self.threadScript])
        _ = try workload.wait()
        let pid = Int(workload.pid)
        try tracer.waitFor("exit of \(pid)") { $0.contains { $0.event == "exit" && $0.int("host_pid") == pid } }
        let records = try tracer.stop().filter { $0.int("host_pid") == pid }
        #expect(records.filter { $0.event == "exit" }.count == 1)
        #expect(records.allSatisfy { $0["thread"] == nil })
    }

    /// 32 threads dying at once (exit_group from one of them, or SIGKILL to the
    /// process) race through the exit tracepoint: still exactly one exit each.
    static let stormScript = """
        import os, sys, threading, time
        b = threading.Barrier(32)
        def t():
            b.wait(); time.sleep(5)
        [threading.Thread(target=t).start() for _ in range(31)]
        b.wait(); time.sleep(0.02)
        os.kill(os.getpid(), 9) if sys.argv[1] == "kill" else os._exit(7)
        """

    @Test func threadStormExitsOncePerProcess() throws {
        let tracer = try TracerRun(["--events", "exit"])
        var pids: [Int: String] = [:]
        for round in 0..<20 {
            let mode = round % 2 == 0 ? "exit_group" : "kill"
            let workload = try Workload("exec /usr/bin/python3 -c \"$1\" $2", arguments: [Self.stormScript, mode])
            _ = try workload.wait()
            pids[Int(workload.pid)] = mode
        }
        try tracer.waitFor("every storm exit") { records in
            pids.keys.allSatisfy { pid in records.contains { $0.event == "exit" && $0.int("host_pid") == pid } }
        }
        let records = try tracer.stop()
        for (pid, mode) in pids {
            let exits = records.filter { $0.event == "exit" && $0.int("host_pid") == pid }
            #expect(exits.count == 1, "\(mode): \(exits.count) exits of \(pid)")
            #expect(mode == "kill" ? exits.first?.int("signal") == 9 : exits.first?.int("exit_code") == 7)
        }
    }

    @Test func threadsOnRequest() throws {
        let tracer = try TracerRun(["--events", "fork,exit", "--threads"])
        let workload = try Workload("exec /usr/bin/python3 -c \"$1\"", arguments: [Self.threadScript])
        _ = try workload.wait()
        let pid = Int(workload.pid)
        try tracer.waitFor("exit of \(pid)") {
            $0.contains { $0.event == "exit" && $0.int("host_pid") == pid && $0["thread"] == nil }
        }
        let records = try tracer.stop().filter { $0.int("host_pid") == pid }
        let threadForks = records.filter { $0.event == "fork" && $0["thread"] as? Bool == true }
        let threadExits = records.filter { $0.event == "exit" && $0["thread"] as? Bool == true }
        #expect(threadForks.count >= 4)
        #expect(threadExits.count >= 4)
        #expect(Set(threadForks.compactMap { $0.int("host_tid") }).count == threadForks.count)
        #expect(records.filter { $0.event == "exit" && $0["thread"] == nil }.count == 1)
    }

    /// A namespace holder that waits on a FIFO, then runs `body`.
    static func holder(_ body: String) throws -> (Workload, fifo: String, initPID: Int) {
        let fifo = NSTemporaryDirectory() + "pidtrace-go-\(UUID().uuidString)"
        guard mkfifo(fifo, 0o600) == 0 else { throw HarnessError("mkfifo failed") }
        let marker = "holder-\(uniqueSleep())"
        let workload = try Workload("exec unshare --pid --fork --kill-child sh -c 'read x < \(fifo); \(body)' \(marker)")
        var initPID = 0
        try waitUntil(timeout: 5, "the namespace holder") {
            initPID = Kernel.pids(withArgument: marker).first { Kernel.nsPIDs($0)?.count == 2 } ?? 0
            return initPID != 0
        }
        return (workload, fifo, initPID)
    }

    static func release(_ fifo: String) throws {
        let fd = open(fifo, O_WRONLY)
        guard fd >= 0 else { throw HarnessError("open fifo failed") }
        _ = write(fd, "go\n", 3)
        close(fd)
        unlink(fifo)
    }

    @Test func pidFilterKeepsOtherNamespacesOut() throws {
        let inside = uniqueSleep(), outside = uniqueSleep()
        let (holderRun, fifo, initPID) = try Self.holder("sleep \(inside) & exec sleep \(inside)")
        let tracer = try TracerRun(["--pid", String(initPID)])
        let outsider = try Workload("exec sleep \(outside)")
        try Self.release(fifo)
        let records = try tracer.waitFor("both sleeps inside") { records in
            records.filter { $0.event == "exec" && $0.strings("argv") == ["sleep", inside] }.count == 2
        }
        usleep(300_000) // let anything wrongly let through arrive too
        let all = try tracer.stop().filter { ["fork", "exec", "exit"].contains($0.event) }
        let pidns = Kernel.pidNamespace(initPID)
        #expect(records.count > 2)
        #expect(all.allSatisfy { $0.int("pidns") == pidns }, "only the followed namespace")
        #expect(!all.contains { $0.strings("argv") == ["sleep", outside] })
        _ = (holderRun, outsider)
    }

    /// The host's namespace is watched through a flag beside the map (its tasks skip the
    /// lookup): `--pid` of a host process follows the host and everything below it.
    @Test func pidFilterOnTheHostNamespaceKeepsTheHost() throws {
        let onHost = uniqueSleep(), nested = uniqueSleep()
        let tracer = try TracerRun(["--pid", String(getpid())])
        let hostRun = try Workload("exec sleep \(onHost)")
        let (holderRun, fifo, _) = try Self.holder("exec sleep \(nested)")
        try Self.release(fifo)
        let records = try tracer.waitFor("both sleeps") { records in
            let execs = records.filter { $0.event == "exec" }
            return execs.contains { $0.strings("argv") == ["sleep", onHost] }
                && execs.contains { $0.strings("argv") == ["sleep", nested] }
        }
        let host = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["sleep", onHost] })
        #expect(host.int("ns_level") == 0 && host.int("pidns") == Kernel.pidNamespace(Int(getpid())))
        let inside = try #require(records.first { $0.event == "exec" && $0.strings("argv") == ["sleep", nested] })
        #expect(inside.int("ns_level") == 1 && inside.int("ns_pid") == 1)
        _ = (hostRun, holderRun)
    }

    @Test func lossIsCountedExactly() throws {
        let iterations = 300, s = uniqueSleep()
        let (holderRun, fifo, initPID) = try Self.holder(
            "i=0; while [ $i -lt \(iterations) ]; do /bin/true; i=$((i+1)); done; exec sleep \(s)")
        // A 4 KiB ring holds about a dozen records; the consumer sleeps while the burst runs.
        let tracer = try TracerRun(["--pid", String(initPID), "--events", "exit",
                                    "--ring-size", "4K", "--pause-consumer-ms", "2500"])
        try Self.release(fifo)
        try waitUntil(timeout: 20, "the burst to finish") {
            Kernel.pids(withArgument: s).contains(initPID)
        }
        let records = try tracer.stop()
        let received = records.filter { $0.event == "exit" }.count
        let lost = records.filter { $0.event == "lost" }.compactMap { $0.int("count") }.reduce(0, +)
        let stop = try #require(records.last)
        #expect(stop.event == "stop")
        #expect(lost > 0, "the tiny ring must overflow")
        #expect(received + lost == iterations, "received \(received) + lost \(lost)")
        #expect(stop.int("lost") == lost && stop.int("events") == received)
        _ = holderRun
    }
}
