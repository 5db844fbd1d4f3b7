// The user-side record path without the kernel: ring-buffer records as the BPF side
// writes them (a forkexec cycle: fork, exec, exit, reap), decoded, correlated and
// encoded to NDJSON into /dev/null. Prints ns per record, best of the rounds.
import CPidtrace
import Glibc
import PidtraceCore

func event(_ kind: EventKind, pid: UInt32, ts: UInt64, comm: String) -> pt_event {
    var e = pt_event()
    e.kind = kind.rawValue
    e.ts_ns = ts
    e.start_ns = ts &- 1_000_000
    e.cgroup_id = 1
    e.host_pid = pid
    e.host_tid = pid
    e.host_ppid = 4000
    e.ns_tid = pid
    e.ns_ppid = 4000
    e.pidns = 4026531836
    e.mntns = 4026531832
    withUnsafeMutableBytes(of: &e.comm) { $0.copyBytes(from: comm.utf8) }
    e.ns_pids.0 = pid
    return e
}

func bytes<T>(_ value: T, size: Int = MemoryLayout<T>.size) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0.prefix(size)) }
}

let cycles = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 50_000
let rounds = 7
var records: [[UInt8]] = []
for i in 0..<cycles {
    let pid = UInt32(10_000 + i % 30_000), ts = UInt64(1_000_000_000 + i * 4_000)
    records.append(bytes(event(.fork, pid: pid, ts: ts, comm: "ptbench-wl")))
    var exec = pt_exec_event()
    exec.base = event(.exec, pid: pid, ts: ts + 1000, comm: "true")
    let args = Array("/bin/true\0".utf8), path = Array("/bin/true\0".utf8)
    exec.base.args_len = UInt32(args.count)
    withUnsafeMutableBytes(of: &exec.strings) { $0.copyBytes(from: args + path) }
    records.append(bytes(exec, size: Int(pt_exec_event_size(exec.base.args_len, UInt32(path.count)))))
    records.append(bytes(event(.exit, pid: pid, ts: ts + 2000, comm: "true")))
    var reap = pt_reap_event()
    reap.base = event(.reap, pid: pid, ts: ts + 3000, comm: "true")
    reap.reaper.host_pid = 4000
    reap.reaper.host_tid = 4000
    reap.reaper.ns_pid = 4000
    reap.reaper.pidns = 4026531836
    records.append(bytes(reap))
}

func fail(_ message: String) -> Never {
    StandardError.line("pipeline-bench: \(message)")
    exit(1)
}

var best = Double.infinity
for _ in 0..<rounds {
    let output: OutputFile
    do { output = try OutputFile(path: "/dev/null", mode: .append) } catch { fail("\(error)") }
    let sink = NDJSONSink(output: output, clock: BootClock())
    let correlator = Correlator()
    var t0 = timespec(), t1 = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0)
    for r in records {
        r.withUnsafeBytes { raw in
            do {
                correlator.process(try ProcessEvent(record: raw)) { record in
                    do { try sink.write(record) } catch { fail("\(error)") }
                }
            } catch { fail("\(error)") }
        }
    }
    do { try sink.sync() } catch { fail("\(error)") }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1)
    let ns = Double(t1.tv_sec - t0.tv_sec) * 1e9 + Double(t1.tv_nsec - t0.tv_nsec)
    best = min(best, ns / Double(records.count))
}
print(String(format: "pipeline: %.0f ns per record (best of %d rounds of %d records)", best, rounds, records.count))
