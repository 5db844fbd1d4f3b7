import Testing
import PidtraceCore

@Suite("Wait status of an exit")
struct ExitStatusTests {
    @Test func normalExitWithCode() {
        let s = ExitStatus(waitStatus: 768)
        #expect(s.code == 3)
        #expect(s.signal == nil)
        #expect(!s.coreDumped)
    }

    @Test func normalExitZero() {
        let s = ExitStatus(waitStatus: 0)
        #expect(s.code == 0)
        #expect(s.signal == nil)
    }

    @Test func exitCode255() {
        #expect(ExitStatus(waitStatus: 0xff00).code == 255)
    }

    @Test func killedBySIGKILL() {
        let s = ExitStatus(waitStatus: 9)
        #expect(s.signal == 9)
        #expect(s.code == nil)
        #expect(!s.coreDumped)
    }

    @Test func segfaultWithCoreDump() {
        let s = ExitStatus(waitStatus: 0x8b)
        #expect(s.signal == 11)
        #expect(s.code == nil)
        #expect(s.coreDumped)
    }
}
