import Testing
@testable import PidtraceCore

@Suite("--pod --wait says what it waits for, and when no Kubernetes runtime is there to start it")
struct PodWaitTests {
    @Test func aHostWithoutCRIStateIsSaid() throws {
        let follower = try PodFollower(selectors: [PodSelector(pod: "api", namespace: "shop")],
                                       state: CRIState(roots: ["/nonexistent/pidtrace-cri"]), waitForStart: true)
        #expect(follower.awaited == ["pod shop/api"])
        #expect(follower.warnings.count == 1)
        #expect(follower.warnings.first?.contains("/nonexistent/pidtrace-cri") == true)
    }

    @Test func withoutWaitAHostWithoutCRIStateIsAnError() {
        #expect(throws: ContainerError.self) {
            try PodFollower(selectors: [PodSelector(pod: "api")], state: CRIState(roots: ["/nonexistent/pidtrace-cri"]),
                            waitForStart: false)
        }
    }
}
