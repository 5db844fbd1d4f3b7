import Foundation
import Testing

/// The folders show the pipeline (docs/layout.md), and no two files need each other.
@Suite("layout: stage folders, described, without file cycles")
struct LayoutTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let core = root.appendingPathComponent("Sources/PidtraceCore")

    @Test func noTwoFilesNeedEachOther() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.root.appendingPathComponent("scripts/file-cycles").path,
                             "Sources/PidtraceCore", "Sources/PidtraceCLI"]
        process.currentDirectoryURL = LayoutTests.root
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
    }

    @Test func everyCoreFileIsInAStageFolderThatTheLayoutDocDescribes() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/layout.md"), encoding: .utf8)
        let entries = try FileManager.default.contentsOfDirectory(atPath: Self.core.path)
        #expect(entries.filter { $0.hasSuffix(".swift") }.isEmpty, "files outside a stage folder")
        let described = Set(doc.split(separator: "\n").compactMap { line in
            line.drop { $0 == " " }.split(separator: " ").first.flatMap { $0.hasSuffix("/") ? String($0.dropLast()) : nil }
        })
        for folder in entries.sorted() {
            #expect(described.contains(folder), "docs/layout.md does not describe \(folder)/")
        }
    }
}
