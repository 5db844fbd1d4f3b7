import Foundation
import Glibc
import Testing

/// The built `pidtrace` binary: $PIDTRACE_BIN, else the debug build.
func pidtraceBinary() -> String {
    if let path = ProcessInfo.processInfo.environment["PIDTRACE_BIN"] { return path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/pidtrace").path
}

typealias Record = [String: Any]

extension Dictionary where Key == String, Value == Any {
    var event: String { self["event"] as? String ?? "" }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func ints(_ key: String) -> [Int]? { (self[key] as? [NSNumber])?.map(\.intValue) }
    func strings(_ key: String) -> [String]? { self[key] as? [String] }
}

/// A running `pidtrace` writing NDJSON to a temporary file.
final class TracerRun {
    let process = Process()
    let outputPath: String
    let stderrPipe = Pipe()

    /// With `table`, the table goes to `tablePath` (else `--quiet`).
    let tablePath: String?

    /// `agent`: `pidtrace agent -o FILE` and `arguments` (the agent shows no table).
    init(_ arguments: [String], table: Bool = false, agent: Bool = false) throws {
        outputPath = NSTemporaryDirectory() + "pidtrace-test-\(UUID().uuidString).ndjson"
        tablePath = table ? outputPath + ".table" : nil
        process.executableURL = URL(fileURLWithPath: pidtraceBinary())
        process.arguments = agent ? ["agent", "-o", outputPath] + arguments
            : ["-o", outputPath] + (table ? [] : ["--quiet"]) + arguments
        process.standardError = stderrPipe
        if let tablePath {
            guard FileManager.default.createFile(atPath: tablePath, contents: nil),
                  let file = FileHandle(forWritingAtPath: tablePath) else { throw HarnessError("cannot create \(tablePath)") }
            process.standardOutput = file
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        try process.run()
        // The agent first lists and inspects every container on the host (after a restart,
        // every stopped one too, for runs that ended meanwhile): the whole suite's hundreds
        // of containers, on 2 cores running the other suites, took over 30 s.
        try waitUntil(timeout: agent ? 90 : 10, "the start record") {
            self.records().contains { $0.event == "start" } || !self.process.isRunning
        }
        guard process.isRunning else {
            throw HarnessError("pidtrace exited at start: \(stderrText())")
        }
    }

    /// Every whole line of the output so far, parsed.
    func records() -> [Record] {
        guard let data = FileManager.default.contents(atPath: outputPath) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? Record
        }
    }

    func processRecords() -> [Record] {
        records().filter { ["fork", "exec", "exit"].contains($0.event) }
    }

    /// Waits until `predicate` holds on the records written so far.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 10, _ predicate: ([Record]) -> Bool) throws -> [Record] {
        var last: [Record] = []
        try waitUntil(timeout: timeout, what) {
            last = self.records()
            return predicate(last)
        }
        return last
    }

    /// SIGINT, then the whole file once pidtrace has drained, flushed and exited.
    @discardableResult
    func stop() throws -> [Record] {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        try waitUntil(timeout: 15, "pidtrace to exit") { !self.process.isRunning }
        return records()
    }

    /// Waits until the table holds `text`: an END row is written once the generation's
    /// namespace is gone (its last process recorded gone, or 2 s after its end).
    @discardableResult
    func waitForTable(containing text: String, timeout: Double = 10) throws -> String {
        var table = ""
        try waitUntil(timeout: timeout, "the table to show \"\(text)\"") {
            table = self.tableText()
            return table.contains(text)
        }
        return table
    }

    /// The table written so far (`table: true`).
    func tableText() -> String {
        tablePath.flatMap { FileManager.default.contents(atPath: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    func stderrText() -> String {
        String(decoding: stderrPipe.fileHandleForReading.availableData, as: UTF8.self)
    }

    /// Never leaves a tracer behind: SIGINT, then SIGKILL if it has not gone in 5 s.
    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGINT)
            if (try? waitUntil(timeout: 5, "pidtrace to exit", { !process.isRunning })) == nil {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        try? FileManager.default.removeItem(atPath: outputPath)
        if let tablePath { try? FileManager.default.removeItem(atPath: tablePath) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func waitUntil(timeout: Double, _ what: String, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { throw HarnessError("timed out after \(timeout)s waiting for \(what)") }
        usleep(20_000)
    }
}

/// A shell command run in the background (workloads); killed with its group on deinit.
final class Workload {
    let process = Process()

    init(_ script: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func wait(timeout: Double = 20) throws -> Int32 {
        try waitUntil(timeout: timeout, "workload to finish") { !process.isRunning }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(-process.processIdentifier, SIGKILL)
            process.terminate()
        }
    }
}

/// Ground truth from the kernel.
enum Kernel {
    static func nsPIDs(_ pid: Int) -> [Int]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("NSpid:") })
        else { return nil }
        return line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }
    }

    static func pidNamespace(_ pid: Int) -> Int? {
        var st = stat()
        guard stat("/proc/\(pid)/ns/pid", &st) == 0 else { return nil }
        return Int(st.st_ino)
    }

    /// Host PIDs of processes whose cmdline contains `marker`.
    static func pids(withArgument marker: String) -> [Int] {
        let proc = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return proc.compactMap(Int.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == marker }
        }
    }
}

/// A unique number to find one test's processes by argv (e.g. `sleep 1000.123`).
func uniqueSleep() -> String { "100\(Int.random(in: 0..<1_000_000))" }
