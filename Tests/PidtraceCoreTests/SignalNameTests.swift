import Testing
import PidtraceCore

@Suite("Signal names")
struct SignalNameTests {
    @Test(arguments: [
        (1, "SIGHUP"), (9, "SIGKILL"), (11, "SIGSEGV"), (15, "SIGTERM"), (17, "SIGCHLD"), (31, "SIGSYS"),
    ])
    func classicSignals(number: Int32, name: String) {
        #expect(SignalName.of(number) == name)
    }

    @Test(arguments: [(34, "SIGRTMIN"), (35, "SIGRTMIN+1"), (37, "SIGRTMIN+3"), (64, "SIGRTMIN+30")])
    func realTimeSignals(number: Int32, name: String) {
        #expect(SignalName.of(number) == name)
    }

    @Test(arguments: [(0, "SIG0"), (32, "SIG32"), (33, "SIG33"), (65, "SIG65"), (127, "SIG127")])
    func numbersWithoutName(number: Int32, name: String) {
        #expect(SignalName.of(number) == name)
    }

    @Test("a runtime's signal name, with or without SIG, back to its number")
    func namesToNumbers() {
        #expect(SignalName.number("SIGTERM") == 15)
        #expect(SignalName.number("TERM") == 15)
        #expect(SignalName.number("kill") == 9)
        #expect(SignalName.number("SIGNOPE") == nil)
    }
}
