// history-writer: drives a HistoryStore from another process, for the tests that need
// one: a SIGKILL in the middle of a write, a second process refused the lock, a
// directory this user cannot write.
//
//   history-writer fill DIR FILE...  commit each container generation of the recordings
//   history-writer loop DIR FILE [CAP]
//                                    commit the file's generations again and again until
//                                    killed, entry N as boot "loop-PID", init PID and
//                                    generation N, ended N s after the first; prints
//                                    "committed N" once it is committed. With CAP
//                                    (bytes): prunes to it after each commit, printing
//                                    "size BEFORE AFTER evicted N"
//   history-writer hold DIR          open DIR for writing, print "open", keep it until
//                                    stdin closes
//
// A history error is one line on stderr and exits with the error's status.
import Foundation
import PidtraceCore

/// A recording's container generations, each with its own records, as the agent hands them.
func entries(_ path: String) throws -> [HistoryEntry] {
    var lines: [String: [String]] = [:]
    var bootID = "unknown"
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        if let boot = object["boot_id"] as? String { bootID = boot } // the `start` record's
        guard let id = object["container_id"] as? String, let generation = object["container_generation"] as? Int else { continue }
        lines["\(id) \(generation)", default: []].append(String(line))
    }
    return try TraceReport.read(path: path).generations.compactMap { g in
        g.container.flatMap { c in
            HistoryEntry(generation: g, records: lines["\(c.id) \(c.generation)"] ?? [], bootID: bootID)
        }
    }
}

func fail(_ error: HistoryError) -> Never {
    FileHandle.standardError.write(Data("history-writer: \(error)\n".utf8))
    exit(error.exitStatus.rawValue)
}

/// Straight to the pipe (write(2)): a parent about to SIGKILL us must have every line said.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = CommandLine.arguments.dropFirst()
guard let mode = arguments.first, arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: history-writer fill|loop|hold DIR [FILE...]\n".utf8))
    exit(64)
}
let directory = arguments[arguments.startIndex + 1]
let files = Array(arguments.dropFirst(2))
do {
    let store = try HistoryStore.open(directory: directory)
    switch mode {
    case "fill":
        var committed = 0
        for file in files {
            for entry in try entries(file) where try store.commit(entry) { committed += 1 }
        }
        say("committed \(committed)")
    case "loop":
        let templates = try entries(files[0])
        let cap = files.count > 1 ? Int(files[1]) : nil
        var n = 0
        while true {
            for var entry in templates {
                n += 1
                // A new identity each time, so every commit writes: this process's, numbered.
                entry.bootID = "loop-\(getpid())"
                entry.initHostPID = n
                entry.generation = n
                entry.endUnixNs = templates[0].endUnixNs + n * 1_000_000_000 // one a second, in order
                try store.commit(entry)
                say("committed \(n)")
                if let cap {
                    let grown = store.directoryBytes()
                    let pruned = try store.prune(retain: .seconds(86_400 * 36_500), maxBytes: cap)
                    say("size \(grown) \(pruned.bytesAfter) evicted \(pruned.evicted)")
                }
            }
        }
    case "hold":
        say("open")
        _ = FileHandle.standardInput.readDataToEndOfFile()
    default:
        FileHandle.standardError.write(Data("history-writer: unknown mode \(mode)\n".utf8))
        exit(64)
    }
} catch let error as HistoryError {
    fail(error)
} catch {
    FileHandle.standardError.write(Data("history-writer: \(error)\n".utf8))
    exit(66)
}
