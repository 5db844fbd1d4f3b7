// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pidtrace",
    products: [
        .executable(name: "pidtrace", targets: ["pidtrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The agent's /metrics (docs/metrics.md: why no HTTP server library came with it).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CLibbpf", path: "Sources/CLibbpf"),
        // The history database (Debian's libsqlite3) and its compressed records (zlib).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The event ABI shared with bpf/, and the embedded BPF object (skeleton made by `make`).
        .target(name: "CPidtrace", dependencies: ["CLibbpf"]),
        .target(name: "PidtraceCore", dependencies: [
            "CPidtrace", "CLibbpf", "CSQLite", "CZlib", .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: [
            // Release builds skip the run-time exclusivity checks (swift_beginAccess on
            // every access to a class's stored property: a few % of the reader's CPU per
            // record); debug builds, which the tests run, keep them.
            .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
        ]),
        // Commands and their validation; a library so unit tests can reach them.
        .target(name: "PidtraceCLI", dependencies: [
            "PidtraceCore", .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "pidtrace", dependencies: ["PidtraceCLI"]),
        .executableTarget(name: "pipeline-bench", dependencies: ["PidtraceCore", "CPidtrace"], path: "bench/pipeline"),
        // Drives the history store from another process for PidtraceCoreTests (SIGKILL mid-write, the lock).
        .executableTarget(name: "history-writer", dependencies: ["PidtraceCore"], path: "Tests/HistoryWriter"),
        .testTarget(name: "PidtraceCoreTests", dependencies: ["PidtraceCore", "PidtraceCLI", "CPidtrace"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PidtraceIntegrationTests", dependencies: ["PidtraceCore"]),
    ]
)
