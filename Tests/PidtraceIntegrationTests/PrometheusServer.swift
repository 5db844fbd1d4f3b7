import Foundation
import Glibc

/// A real Prometheus (Debian's package) scraping one target on loopback every second,
/// its data in a temporary directory; stopped (and waited for) by `stop` or deinit.
final class PrometheusServer {
    static let binary = "/usr/bin/prometheus"
    static let promtool = "/usr/bin/promtool"

    static var unavailableReason: String? {
        [binary, promtool].first { !FileManager.default.isExecutableFile(atPath: $0) }.map { "\($0) is not installed" }
    }

    let port: UInt16
    let dir: String
    private let process = Process()

    init(scraping target: String, in dir: String) throws {
        self.dir = dir
        port = try freeLoopbackPort()
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: pidtrace
                static_configs:
                  - targets: ["\(target)"]

            """
        try config.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: dir + "/prometheus.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/prometheus.log"))
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
                             "--web.listen-address=127.0.0.1:\(port)"]
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: dir + "/prometheus.log", encoding: .utf8)) ?? "" }

    /// `GET /api/v1/query`: the result vector as (labels, value) pairs.
    func query(_ promql: String) throws -> [(labels: [String: String], value: Double)] {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let reply = try LoopbackHTTPClient.get("/api/v1/query?query=\(encoded)", port: port)
        guard reply.status == 200,
              let json = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
              json["status"] as? String == "success",
              let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw HarnessError("query \(promql): HTTP \(reply.status): \(reply.body.prefix(500))") }
        return result.map { sample in
            let value = (sample["value"] as? [Any])?.last as? String
            return (sample["metric"] as? [String: String] ?? [:], value.flatMap(Double.init) ?? .nan)
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        if (try? waitUntil(timeout: 20, "prometheus to stop", { !process.isRunning })) == nil {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A port nobody listens on now (the kernel's pick for port 0, released).
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw HarnessError("no free loopback port: \(String(cString: strerror(errno)))") }
    return UInt16(bigEndian: address.sin_port)
}

/// HTTP/1.0 GET on 127.0.0.1 (so the reply is not chunked), read to the server's close.
enum LoopbackHTTPClient {
    static func get(_ path: String, port: UInt16) throws -> (status: Int, head: String, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { throw HarnessError("write to 127.0.0.1:\(port)") }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            received += chunk[0..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw HarnessError("no HTTP reply from 127.0.0.1:\(port)") }
        let head = String(text[..<split.lowerBound])
        return (head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0, head, String(text[split.upperBound...]))
    }
}
