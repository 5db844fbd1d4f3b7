import ArgumentParser
import PidtraceCore

/// `--metrics-address`, for the commands that serve metrics (`agent`).
struct MetricsOptions: ParsableArguments {
    @Option(name: .customLong("metrics-address"), help: ArgumentHelp(
        "Serve Prometheus metrics at /metrics and a health check at /healthz on HOST:PORT "
            + "(e.g. 0.0.0.0:9464, [::1]:9464), or none.", valueName: "HOST:PORT"),
        transform: MetricsOptions.address)
    var metricsAddress = MetricsAddress.default

    /// argument-parser names the option and the value before the reason: one line.
    static func address(_ text: String) throws -> MetricsAddress {
        do {
            return try MetricsAddress(parsing: text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
