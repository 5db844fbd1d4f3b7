/// The path and reason runc gave for refusing an entrypoint, read from the runtime's
/// error (`start_failed`'s `error`). Docker passes runc's message on within its own:
/// `failed to create shim task: OCI runtime create failed: runc create failed: unable to
/// start container process: exec: "/nope": stat /nope: no such file or directory: unknown`
/// — runc's part is Go's `exec: %q: %v`, and the last `: unknown` is containerd's gRPC
/// code. nil when the message has no such part (another runtime, another failure).
struct EntrypointRefusal: Equatable {
    /// The entrypoint as the image or the command line gave it.
    var path: String
    /// runc's reason: "stat /nope: no such file or directory", "permission denied",
    /// "executable file not found in $PATH".
    var reason: String

    init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init?(runtimeError message: String) {
        guard let opening = message.ranges(of: #"exec: ""#).last else { return nil }
        // The quoted path, with Go's escapes for a quote and a backslash undone.
        var path = ""
        var rest = message[opening.upperBound...]
        var escaped = false
        while let c = rest.first {
            rest = rest.dropFirst()
            if escaped {
                path.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                break
            } else {
                path.append(c)
            }
        }
        guard rest.hasPrefix(": "), !path.isEmpty else { return nil }
        var reason = String(rest.dropFirst(2))
        if reason.hasSuffix(": unknown") { reason.removeLast(": unknown".count) }
        guard !reason.isEmpty else { return nil }
        self.init(path: path, reason: reason)
    }

    /// Why the runtime could not run it, after "could not run PATH: ": runc's reason in
    /// words, or as runc gave it.
    var explanation: String {
        if reason.hasSuffix("no such file or directory") { return "there is no file at that path in the container" }
        if reason.hasSuffix("executable file not found in $PATH") { return "no directory of the container's PATH holds it" }
        if reason.hasSuffix("permission denied") {
            return "it is not a file runc can execute (no execute bit, a directory, or a filesystem mounted noexec)"
        }
        return reason
    }

    /// The fix for that reason; nil for one not known here.
    var fix: String? {
        let quoted = "`" + path + "`"
        if reason.hasSuffix("no such file or directory") {
            return "check that \(quoted) exists in the image at that path (or correct the entrypoint or command that names it)"
        }
        if reason.hasSuffix("executable file not found in $PATH") {
            return "give the full path of \(quoted), or check that the image has it in a directory of its PATH"
        }
        if reason.hasSuffix("permission denied") {
            return "make \(quoted) an executable file in the image (`chmod +x`, on a filesystem not mounted noexec), "
                + "or, if it is a directory, name the program in it to run"
        }
        return nil
    }
}
