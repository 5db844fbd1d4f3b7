/// What the metrics server answers: `GET /metrics` (the exposition), `GET /healthz`
/// (200 once the agent's BPF programs are attached, 503 before), 404 elsewhere.
struct MetricsRoutes: Sendable {
    /// Prometheus' text format, version 0.0.4.
    static let metricsType = "text/plain; version=0.0.4; charset=utf-8"

    let exposition: @Sendable () -> [UInt8]

    /// The whole reply, head and body; nil head: a request that could not be read.
    func reply(to head: HTTPRequestHead?, ready: Bool) -> [UInt8] {
        guard let head else { return Self.reply(400, "Bad Request", body: "bad request\n") }
        let headOnly = head.method == "HEAD"
        switch head.path {
        case "/metrics" where head.method == "GET" || headOnly:
            return Self.reply(200, "OK", type: Self.metricsType, body: exposition(), headOnly: headOnly)
        case "/healthz" where head.method == "GET" || headOnly:
            return ready
                ? Self.reply(200, "OK", body: "ok\n", headOnly: headOnly)
                : Self.reply(503, "Service Unavailable", body: "the BPF programs are not attached yet\n", headOnly: headOnly)
        case "/metrics", "/healthz":
            return Self.reply(405, "Method Not Allowed", body: "only GET and HEAD\n", extra: "Allow: GET, HEAD\r\n")
        default:
            return Self.reply(404, "Not Found", body: "not found: the agent serves /metrics and /healthz\n")
        }
    }

    static let headTooLarge = reply(431, "Request Header Fields Too Large", body: "request head too large\n")

    /// One reply per connection, then it is closed: no keep-alive to time out.
    static func reply(_ status: Int, _ reason: String, type: String = "text/plain; charset=utf-8",
                      body: String, headOnly: Bool = false, extra: String = "") -> [UInt8] {
        reply(status, reason, type: type, body: Array(body.utf8), headOnly: headOnly, extra: extra)
    }

    static func reply(_ status: Int, _ reason: String, type: String, body: [UInt8],
                      headOnly: Bool = false, extra: String = "") -> [UInt8] {
        let head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n"
            + extra + "Connection: close\r\n\r\n"
        return Array(head.utf8) + (headOnly ? [] : body)
    }
}
