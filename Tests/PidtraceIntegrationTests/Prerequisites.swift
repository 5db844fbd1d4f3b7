import Foundation
import Glibc
import Testing

/// What an integration test needs from the host. Under `make test` as root, and
/// always with CI=true, providing it is the run's job, so a missing one FAILS the
/// test (a skip would let the run pass having tested nothing). Elsewhere (a plain
/// `swift test` as a user) the test skips, and the skip says why.
enum Prerequisite: Sendable {
    case root, docker, nginxImages, chromium, prometheus

    /// As root (`make test`) or in CI, a missing prerequisite is a failure.
    static var mustRun: Bool { geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why it is missing here, or nil when it is there.
    var missing: String? {
        switch self {
        case .root: geteuid() == 0 ? nil : "not root (CAP_BPF, CAP_PERFMON)"
        case .docker: DockerFixture.unavailableReason
        case .nginxImages: NginxImage.unavailableReason
        case .chromium: Chromium.path == nil ? "chromium is not installed" : nil
        case .prometheus: PrometheusServer.unavailableReason
        }
    }

    var fix: String {
        switch self {
        case .root: "run `make test` as root"
        case .docker: "run `make test` as root (scripts/with-dockerd starts dockerd and imports local/busybox)"
        case .nginxImages: "run `make test` as root (scripts/with-dockerd builds the nginx images)"
        case .chromium: "run `make test` as root (make test-deps installs chromium), or apt-get install chromium"
        case .prometheus: "run `make test` as root (make test-deps installs prometheus), or apt-get install prometheus"
        }
    }
}

/// `.requires(.docker)`: fails the test when a prerequisite is missing and the run
/// must provide it (`Prerequisite.mustRun`), else skips it with the reason.
struct RequiresTrait: SuiteTrait, TestTrait {
    let prerequisites: [Prerequisite]

    /// Applied to each test of a suite, so each one counts as failed or skipped.
    var isRecursive: Bool { true }

    func prepare(for test: Test) async throws {
        guard let (prerequisite, reason) = prerequisites.lazy.compactMap({ p in p.missing.map { (p, $0) } }).first
        else { return }
        let message = "\(reason): \(prerequisite.fix)"
        if Prerequisite.mustRun { throw PrerequisiteMissing(description: "missing prerequisite: \(message)") }
        try await ConditionTrait.disabled(Comment(rawValue: message)).prepare(for: test)
    }
}

struct PrerequisiteMissing: Error, CustomStringConvertible {
    let description: String
}

extension Trait where Self == RequiresTrait {
    static func requires(_ prerequisites: Prerequisite...) -> RequiresTrait { RequiresTrait(prerequisites: prerequisites) }
}
