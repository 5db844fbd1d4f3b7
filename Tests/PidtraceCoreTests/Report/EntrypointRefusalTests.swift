import Testing
@testable import PidtraceCore

/// runc's part of a runtime's error, as Docker passes it on (messages as Docker 20.10
/// and runc 1.1 wrote them here).
@Suite("the runtime's error: runc's path and reason")
struct EntrypointRefusalTests {
    @Test("Docker's message: the quoted path, runc's reason without containerd's code")
    func dockersMessage() throws {
        let missing = try #require(EntrypointRefusal(runtimeError: "failed to create shim task: OCI runtime create failed: "
            + #"runc create failed: unable to start container process: exec: "/nope": stat /nope: no such file or directory: unknown"#))
        #expect(missing == EntrypointRefusal(path: "/nope", reason: "stat /nope: no such file or directory"))
        #expect(missing.explanation == "there is no file at that path in the container")
        let directory = try #require(EntrypointRefusal(runtimeError: #"…: exec: "/bin": permission denied: unknown"#))
        #expect(directory.reason == "permission denied" && directory.explanation.hasPrefix("it is not a file runc can execute"))
        let search = try #require(EntrypointRefusal(runtimeError: #"exec: "nope": executable file not found in $PATH"#))
        #expect(search.path == "nope" && search.explanation == "no directory of the container's PATH holds it")
        #expect(search.fix == "give the full path of `nope`, or check that the image has it in a directory of its PATH")
    }

    @Test("Go's escapes in the path are undone; another reason is kept as runc gave it")
    func escapesAndOtherReasons() throws {
        let quoted = try #require(EntrypointRefusal(runtimeError: #"exec: "/app/a \"b\" c\\d": no space left on device"#))
        #expect(quoted.path == #"/app/a "b" c\d"# && quoted.reason == "no space left on device")
        #expect(quoted.explanation == "no space left on device" && quoted.fix == nil)
    }

    @Test("no runc part: nil", arguments: ["", "OCI runtime create failed: container_linux.go:380: mount failed: unknown",
                                           #"exec: "": permission denied"#, #"exec: "/x""#, #"exec: "/x": "#])
    func noRuncPart(message: String) {
        #expect(EntrypointRefusal(runtimeError: message) == nil)
    }
}
