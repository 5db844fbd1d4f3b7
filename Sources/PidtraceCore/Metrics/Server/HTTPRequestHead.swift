/// The request line of an HTTP/1.x request head: all the metrics server reads of it.
struct HTTPRequestHead: Equatable {
    var method: String
    /// The path, without its query (Prometheus may add `?name[]=...` params).
    var path: String

    /// A scraper sends a few hundred bytes; more is not a scraper.
    static let maxBytes = 8192

    /// Where the head ends (past its blank line) in what was read so far, or nil.
    static func end(in bytes: [UInt8]) -> Int? {
        var i = bytes.startIndex
        while let lf = bytes[i...].firstIndex(of: UInt8(ascii: "\n")) {
            let next = lf + 1
            if next < bytes.endIndex, bytes[next] == UInt8(ascii: "\n") { return next + 1 }
            if next + 1 < bytes.endIndex, bytes[next] == UInt8(ascii: "\r"), bytes[next + 1] == UInt8(ascii: "\n") {
                return next + 2
            }
            i = next
        }
        return nil
    }

    /// "GET /metrics HTTP/1.1"; nil for anything else.
    init?(_ head: [UInt8]) {
        let line = head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        let words = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard words.count == 3, words[2].starts(with: "HTTP/1.".utf8), words[1].first == UInt8(ascii: "/"),
              !words[0].isEmpty, words[0].allSatisfy({ (65...90).contains($0) }) else { return nil }
        method = String(decoding: words[0], as: UTF8.self)
        path = String(decoding: words[1].prefix { $0 != UInt8(ascii: "?") }, as: UTF8.self)
    }
}
