import Foundation
import Glibc

/// A hand-written /proc tree (free-form files) in a temporary directory, removed when the object goes away.
final class ProcTree {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("proctree-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `root/relativePath`, creating its folders.
    @discardableResult
    func write(_ relativePath: String, _ text: String = "") throws -> String {
        let path = root + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The inode of a file in the tree, as `stat` reports it.
    func inode(_ relativePath: String) -> UInt32? {
        var st = stat()
        guard stat(root + "/" + relativePath, &st) == 0 else { return nil }
        return UInt32(truncatingIfNeeded: st.st_ino)
    }
}
