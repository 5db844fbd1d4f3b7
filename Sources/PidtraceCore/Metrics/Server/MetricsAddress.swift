import Glibc

/// `--metrics-address`: where the agent serves /metrics and /healthz, or nowhere.
public enum MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    case off
    /// A numeric IPv4 or IPv6 address (IPv6 without its brackets) and a port.
    case listen(host: String, port: UInt16)

    /// Loopback: a node's metrics are not for every network it is on unless asked.
    public static let `default` = MetricsAddress.listen(host: "127.0.0.1", port: 9464)

    /// `HOST:PORT` (`127.0.0.1:9464`, `0.0.0.0:9464`, `[::1]:9464`; `:9464` is every
    /// IPv4 address, `localhost` is 127.0.0.1), or `none`. Names are not resolved: a
    /// daemon should not hang on DNS at start.
    public init(parsing text: String) throws(MetricsAddressError) {
        if text == "none" {
            self = .off
            return
        }
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                throw MetricsAddressError(text, "an IPv6 address is written [ADDRESS]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            guard Self.isNumeric(host, family: AF_INET6) else {
                throw MetricsAddressError(text, "'\(host)' is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw MetricsAddressError(text, "no port: write HOST:PORT, e.g. 127.0.0.1:9464")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw MetricsAddressError(text, "an IPv6 address is written [ADDRESS]:PORT") }
            if !host.isEmpty, host != "localhost", !Self.isNumeric(host, family: AF_INET) {
                throw MetricsAddressError(text, "'\(host)' is not an IP address (names are not resolved; 0.0.0.0 is every address)")
            }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = UInt16(portText), port > 0 else {
            throw MetricsAddressError(text, "the port must be a number from 1 to 65535")
        }
        switch host {
        case "": self = .listen(host: "0.0.0.0", port: port)
        case "localhost": self = .listen(host: "127.0.0.1", port: port)
        default: self = .listen(host: String(host), port: port)
        }
    }

    public var description: String {
        switch self {
        case .off: "none"
        case let .listen(host, port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    private static func isNumeric(_ host: Substring, family: Int32) -> Bool {
        var buffer = in6_addr() // large enough for either family
        return inet_pton(family, String(host), &buffer) == 1
    }
}

/// A `--metrics-address` that cannot be read, in one line.
public struct MetricsAddressError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ text: String, _ why: String) {
        description = "'\(text)': \(why) (or none to serve no metrics)"
    }
}
