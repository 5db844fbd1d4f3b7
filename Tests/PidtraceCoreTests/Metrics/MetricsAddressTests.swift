import ArgumentParser
import PidtraceCore
import Testing
@testable import PidtraceCLI

/// `--metrics-address`: what it accepts, and a bad value as one line and status 64.
@Suite struct MetricsAddressTests {
    @Test(arguments: [
        ("127.0.0.1:9464", MetricsAddress.listen(host: "127.0.0.1", port: 9464)),
        ("0.0.0.0:1", .listen(host: "0.0.0.0", port: 1)),
        (":9464", .listen(host: "0.0.0.0", port: 9464)),
        ("localhost:65535", .listen(host: "127.0.0.1", port: 65535)),
        ("[::1]:9464", .listen(host: "::1", port: 9464)),
        ("[::]:80", .listen(host: "::", port: 80)),
        ("none", .off),
    ])
    func accepted(text: String, address: MetricsAddress) throws {
        #expect(try MetricsOptions.parse(["--metrics-address", text]).metricsAddress == address)
    }

    @Test func theDefaultIsLoopback() throws {
        #expect(try MetricsOptions.parse([]).metricsAddress == .listen(host: "127.0.0.1", port: 9464))
        #expect(MetricsAddress.default.description == "127.0.0.1:9464")
        #expect(MetricsAddress.listen(host: "::1", port: 80).description == "[::1]:80")
    }

    @Test(arguments: [
        "", "9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:+80", "127.0.0.1: 80",
        "127.0.0.1:80 ", "127.0.0.1:٣", "::1:9464", "[::1]9464", "[::1]", "[zz]:80", "[127.0.0.1]:80", "web.local:9464",
        "256.1.1.1:80", "1.2.3:80", "None", "none:80",
    ])
    func rejectedInOneLineWithStatus64(text: String) {
        do {
            _ = try MetricsOptions.parse(["--metrics-address", text])
            Issue.record("'\(text)' was accepted")
        } catch {
            let message = MetricsOptions.message(for: error)
            #expect(!message.contains("\n"), "\(message)")
            #expect(message.contains("--metrics-address") && message.contains("(or none to serve no metrics)"), "\(message)")
            #expect(MetricsOptions.exitCode(for: error).rawValue == 64)
        }
    }
}
