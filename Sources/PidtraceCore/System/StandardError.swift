import Glibc

/// The one writer of standard error: straight to the descriptor, one write per call,
/// so lines from several threads do not interleave (the C `stderr` global is not
/// concurrency-safe in Swift 6).
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var rest = UnsafeRawBufferPointer(bytes)
            while !rest.isEmpty {
                let n = Glibc.write(STDERR_FILENO, rest.baseAddress, rest.count)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return } // stderr closed: nothing better to do
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            }
        }
    }

    /// `text` and a newline.
    public static func line(_ text: String) { write(text + "\n") }
}
