import CPidtrace
import Foundation
import Testing
@testable import PidtraceCore

/// docs/record.md is the record contract: it must name every field the encoder can
/// write, and no field it never writes. Checked two ways:
/// - the key literals in NDJSONEncoder.swift's source (`field("key"`, `beginObject("key"`),
///   so an optional field is caught even if no sample below sets it;
/// - one record of every kind encoded with every optional field set, whose key paths
///   (`sender.host_pid`) must be listed in that kind's section of the doc (or in the
///   sections shared by its group), and each kind's section names only paths the
///   samples of that kind write.
@Suite("docs/record.md matches the NDJSON encoder")
struct RecordDocTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The first capture group of every match.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let regex = try Regex(pattern, as: (Substring, Substring).self)
        return text.matches(of: regex).map { String($0.output.1) }
    }

    // MARK: the doc

    /// The fields of one `##` section (kind nil) or of one kind's `###` section.
    struct Section: Hashable {
        var group: String
        var kind: String?
    }

    /// Backticked names in the first cell of every row of a `| field | ...` table, by section.
    static func documented() throws -> [Section: Set<String>] {
        var fields: [Section: Set<String>] = [:]
        var section = Section(group: "", kind: nil)
        var inTable = false
        for line in try text("docs/record.md").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### ") {
                section.kind = try captures("`([a-z_]+)`", in: String(line)).first
                inTable = false
            } else if line.hasPrefix("## ") {
                section = Section(group: String(line.dropFirst(3)), kind: nil)
                inTable = false
            } else if line.hasPrefix("| field |") {
                inTable = true
                fields[section, default: []].formUnion([]) // a section with an empty table still counts
            } else if inTable && line.hasPrefix("|") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                guard cells.count > 2, !cells[1].hasPrefix("---") else { continue }
                fields[section, default: []].formUnion(try captures("`([a-z0-9_.]+)`", in: String(cells[1])))
            } else {
                inTable = false
            }
        }
        return fields
    }

    /// The kinds that have their own `### \`kind\`` section.
    static func documentedKinds() throws -> [String: String] {
        var groupOf: [String: String] = [:]
        for section in try documented().keys {
            if let kind = section.kind { groupOf[kind] = section.group }
        }
        return groupOf
    }

    /// What a record of `kind` may carry: the fields of every record, of its group, of its kind.
    static func allowed(_ kind: String) throws -> Set<String> {
        let doc = try documented()
        guard let group = try documentedKinds()[kind] else { return [] }
        return doc[Section(group: "Guarantees", kind: nil), default: []]
            .union(doc[Section(group: group, kind: nil), default: []])
            .union(doc[Section(group: group, kind: kind), default: []])
    }

    // MARK: the encoder

    static func sourceKeys() throws -> Set<String> {
        let source = try text("Sources/PidtraceCore/Output/NDJSON/NDJSONEncoder.swift")
        return Set(try captures(#"(?:field|beginObject|key)\(\s*"([a-z0-9_]+)""#, in: source))
    }

    static func sourceKinds() throws -> Set<String> {
        Set(try captures(#"common\(\s*"([a-z_]+)""#, in: try text("Sources/PidtraceCore/Output/NDJSON/NDJSONEncoder.swift")))
    }

    /// Every key of a record, nested ones as `object.key`.
    static func paths(_ object: [String: Any], prefix: String = "") -> Set<String> {
        var all: Set<String> = []
        for (key, value) in object {
            all.insert(prefix + key)
            if let nested = value as? [String: Any] { all.formUnion(paths(nested, prefix: prefix + key + ".")) }
        }
        return all
    }

    /// One record of every kind, with every optional field set (both ways of ending for exits).
    static func samples() -> [TraceRecord] {
        let web = ContainerAttribution(id: String(repeating: "ab", count: 32), name: "web", generation: 2,
                                       pod: PodMeta(name: "web-0", namespace: "shop", uid: "6a1f0c1e-8d0b-4a57-9d3e-2f4c1b0e9a77",
                                                    isSandbox: true),
                                       runtime: "containerd")
        let sidecar = ContainerAttribution(id: String(repeating: "cd", count: 32), name: "sidecar", generation: 1)
        let peer = Peer(hostPID: 4300, hostTID: 4301, nsPID: 7, pidns: 4_026_532_999, comm: Comm("kill".utf8))
        let threadInit = PT_FLAG_THREAD.rawValue | PT_FLAG_NEW_PIDNS.rawValue
        var signal = ProcessEvent.sample(.signal, flags: PT_FLAG_THREAD.rawValue)
        signal.signal = SignalInfo(number: 15, code: 0, result: 0, group: true)
        signal.peer = peer
        var oom = ProcessEvent.sample(.oomKill)
        oom.memcgID = 4952
        let exited = ProcessRecord(event: .sample(.exit, exitStatus: 3 << 8), container: web)
        let entry = ProcessEntry(hostPID: 4242, hostPPID: 4000, nsPID: 1, nsPPID: 0, nsPIDs: [4242, 1],
                                 pidns: 4_026_532_999, comm: "sh", argv: [Array("sh".utf8)], uid: 0, gid: 0)
        let lifecycle = ContainerLifecycle(tsNs: 3, container: web, initHostPID: 4242, pidns: 4_026_532_999,
                                           startedAt: "2026-11-30T13:44:25.758531988Z")
        var exitedBy = lifecycle
        exitedBy.startedAt = nil
        exitedBy.exit = ExitStatus(waitStatus: 9 | 0x80)
        var exitedNormally = exitedBy
        exitedNormally.exit = ExitStatus(waitStatus: 1 << 8)
        var stop = StopInfo(tsNs: 9, events: 10, lost: 2, reason: "write_error")
        stop.lostUnknown = true
        stop.error = "write(web.ndjson): No space left on device"
        return [
            .start(StartInfo(tsNs: 1, version: "0.1.0", hostname: "vm", kernel: "6.18.0", bootID: "4b44",
                             tracerPID: 99, filters: TraceFilters(pidNamespaces: [4_026_532_999], threads: true,
                                                                  containers: ["web"]),
                             unavailable: Dictionary(uniqueKeysWithValues: EventKind.allCases.map { ($0, "reason") }))),
            .process(ProcessRecord(event: .sample(.fork, flags: threadInit), container: web)),
            .process(ProcessRecord(event: .sample(.exec, flags: PT_FLAG_THREAD.rawValue,
                                                  argsArea: Array("ls\u{0}-l\u{0}".utf8)), container: web)),
            .process(ProcessRecord(event: .sample(.exit, flags: PT_FLAG_THREAD.rawValue, exitStatus: 3 << 8),
                                   container: web)),
            .process(ProcessRecord(event: .sample(.exit, exitStatus: 9 | 0x80), container: web)),
            .process(ProcessRecord(event: signal, container: web, senderContainer: sidecar)),
            .process(ProcessRecord(event: oom, container: web)),
            .process(ProcessRecord(event: .sample(.execFailed, argsArea: Array("/app/server\u{0}".utf8)), container: web)),
            .reap(ReapRecord(tsNs: 4, exit: exited, reaper: peer, reaperNSPID: 1, zombieNs: 20_000_000,
                             reparentedToNamespaceInit: true)),
            .zombie(ZombieRecord(tsNs: 5, exit: exited, zombieNs: 5_000_000_000)),
            .snapshot(SnapshotRecord(tsNs: 2, process: entry, mntns: 4_026_532_888, container: web)),
            .containerStart(lifecycle),
            .containerExit(exitedBy),
            .containerExit(exitedNormally),
            .lost(LostInfo(tsNs: 6, count: 910)),
            .notice(NoticeRecord(tsNs: 6, notice: Notice(kind: .runtimeEventsGap, message: "stream lost"))),
            .runtimeEvent(RuntimeEventRecord(tsNs: 7, container: web, action: "start", runtimeTimeNs: 1, restartCount: 2)),
            .runtimeEvent(RuntimeEventRecord(tsNs: 7, container: web, action: "kill", runtimeTimeNs: 1, signal: 15)),
            .runtimeEvent(RuntimeEventRecord(tsNs: 7, container: web, action: "die", runtimeTimeNs: 1, exitCode: 143)),
            .runtimeEvent(RuntimeEventRecord(tsNs: 7, container: web, action: "start_failed", runtimeTimeNs: nil, exitCode: 127,
                                             error: "OCI runtime create failed")),
            .stop(stop),
        ]
    }

    /// Key paths written per kind, over all samples.
    static func encodedPaths() throws -> [String: Set<String>] {
        var out = JSONBuffer()
        let encoder = NDJSONEncoder(clock: BootClock(offsetNs: 0))
        for record in samples() { encoder.encode(record, into: &out) }
        var byKind: [String: Set<String>] = [:]
        for object in try JSONLines.objects(out.bytes) {
            let kind = try #require(object["event"] as? String)
            byKind[kind, default: []].formUnion(paths(object))
        }
        return byKind
    }

    // MARK: tests

    @Test func theDocNamesEveryKeyTheEncoderSourceWritesAndNoOther() throws {
        let documented = try Self.documented().values.reduce(into: Set<String>()) { all, names in
            for name in names { all.formUnion(name.split(separator: ".").map(String.init)) }
        }
        let keys = try Self.sourceKeys()
        #expect(keys.count > 40, "the key literals were not found in NDJSONEncoder.swift")
        #expect(keys.subtracting(documented).sorted() == [], "written by NDJSONEncoder but not in docs/record.md")
        #expect(documented.subtracting(keys).sorted() == [], "in docs/record.md but never written by NDJSONEncoder")
    }

    @Test func everyKindHasItsSection() throws {
        let kinds = try Self.sourceKinds()
        #expect(kinds.count >= 13)
        #expect(Set(try Self.documentedKinds().keys) == kinds)
        #expect(Set(try Self.encodedPaths().keys) == kinds, "a sample per kind")
    }

    @Test(arguments: [
        "fork", "exec", "exec_failed", "exit", "signal", "oom_kill", "reap", "zombie", "snapshot",
        "container_start", "container_exit", "runtime_event", "start", "lost", "stop",
    ])
    func eachKindsFieldsAreDocumentedInItsSection(kind: String) throws {
        let written = try #require(try Self.encodedPaths()[kind])
        let allowed = try Self.allowed(kind)
        #expect(written.subtracting(allowed).sorted() == [], "\(kind): written but not documented for it")
        let group = try #require(try Self.documentedKinds()[kind])
        let own = try Self.documented()[Section(group: group, kind: kind), default: []]
        #expect(own.subtracting(written).sorted() == [], "\(kind): documented but never written")
    }

    @Test func everyKindHasAnExampleLineThatParses() throws {
        let doc = try Self.text("docs/record.md")
        let lines = doc.split(separator: "\n").filter { $0.hasPrefix("{\"event\":") }
        var kinds: Set<String> = []
        for line in lines {
            let object = try JSONLines.object(Array(line.utf8))
            let kind = try #require(object["event"] as? String)
            kinds.insert(kind)
            #expect(Self.paths(object).subtracting(try Self.allowed(kind)).sorted() == [],
                    "the \(kind) example has fields its section does not document")
        }
        #expect(kinds == (try Self.sourceKinds()))
    }
}
