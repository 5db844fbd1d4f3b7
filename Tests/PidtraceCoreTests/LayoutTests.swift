import Foundation
import Testing

/// The folders show the pipeline: docs/layout.md describes each one, in dependency
/// order, and `scripts/file-cycles` finds no file that uses a later folder and no
/// two files that need each other.
@Suite("layout: stage folders in dependency order, described, without file cycles")
struct LayoutTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let core = root.appendingPathComponent("Sources/PidtraceCore")

    /// The folders of PidtraceCore as docs/layout.md lists them (indented, name + "/").
    static func documentedOrder() throws -> [String] {
        let doc = try String(contentsOf: root.appendingPathComponent("docs/layout.md"), encoding: .utf8)
        return doc.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let word = line.drop(while: { $0 == " " }).split(separator: " ").first,
                  word.hasSuffix("/") else { return nil }
            return String(word.dropLast())
        }
    }

    @Test func everyCoreFileIsInAFolderTheLayoutDocDescribes() throws {
        let order = try Self.documentedOrder()
        let entries = try FileManager.default.contentsOfDirectory(atPath: Self.core.path)
        #expect(entries.filter { $0.hasSuffix(".swift") }.isEmpty, "files outside a stage folder")
        for folder in entries.sorted() {
            #expect(order.contains(folder), "docs/layout.md does not describe \(folder)/")
        }
    }

    @Test func filesUseOnlyEarlierFoldersAndNeverEachOther() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [LayoutTests.root.appendingPathComponent("scripts/file-cycles").path,
                             "--order", try Self.documentedOrder().joined(separator: ","),
                             "Sources/PidtraceCore", "Sources/PidtraceCLI"]
        process.currentDirectoryURL = LayoutTests.root
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
    }
}
