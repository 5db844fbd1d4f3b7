/// The one version string: `--version`, the `start` record, the packages.
public let pidtraceVersion = "0.1.0"
