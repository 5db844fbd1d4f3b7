import Foundation
import Glibc
@testable import PidtraceCore

/// History entries made from the recorded fixtures as the agent makes them: each
/// container generation of the whole file's story, with that generation's own lines.
enum HistoryFixture {
    static func entries(_ name: String, bootID: String = "boot-a") throws -> [HistoryEntry] {
        var lines: [String: [String]] = [:]
        for line in try ReportFixture.lines(name) where !line.isEmpty {
            guard let json = try? JSONParser.parse(line), let id = json["container_id"]?.string,
                  let generation = json["container_generation"]?.int else { continue }
            lines["\(id) \(generation)", default: []].append(String(decoding: line, as: UTF8.self))
        }
        return try ReportFixture.report(name).generations.compactMap { g in
            g.container.flatMap { c in HistoryEntry(generation: g, records: lines["\(c.id) \(c.generation)"] ?? [], bootID: bootID) }
        }
    }

    /// The fixtures that hold ended container generations.
    static let withEndings = ["crash-loop", "cri-shared-pid-ignores", "entrypoint-crlf", "entrypoint-missing",
                              "exec-failed-127", "hup-exec-stop", "init-handles", "init-ignores", "init-killed",
                              "missing-entrypoint-teardown", "nginx-exec-stop", "nginx-noexec-restart",
                              "nginx-noexec-stop", "podman-shared-pid", "policy-loop-then-start", "restarts",
                              "stop-start-restart"]

    /// An entry with its own identity: generation n of container `id`, ended at second n.
    static func numbered(_ n: Int, of template: HistoryEntry, containerID: String? = nil) -> HistoryEntry {
        var e = template
        e.initHostPID = 100_000 + n
        e.generation = n
        e.endUnixNs = 1_700_000_000_000_000_000 + n * 1_000_000_000
        if let containerID { e.containerID = containerID }
        return e
    }
}

/// The built test helper (Tests/HistoryWriter) and the tools the tests run.
enum HistoryTools {
    static let buildDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug")

    static var writer: String { buildDirectory.appendingPathComponent("history-writer").path }
    static var pidtrace: String { buildDirectory.appendingPathComponent("pidtrace").path }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs a program to its end; its status and outputs.
    static func run(_ path: String, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "\(path) is missing: build it first (swift build --build-tests builds it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// `sqlite3 DB SQL`: the database as SQLite's own shell reads it, apart from pidtrace's code.
    static func sqlite3(_ database: String, _ sql: String) throws -> String {
        let r = try run("/usr/bin/sqlite3", [database, sql])
        guard r.status == 0 else { throw Failure(description: "sqlite3 \(sql): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
