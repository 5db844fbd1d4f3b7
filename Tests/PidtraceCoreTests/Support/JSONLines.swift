import Foundation

/// Parses NDJSON output with Foundation, as an independent reader would.
enum JSONLines {
    struct NotAnObject: Error {}

    static func objects(_ bytes: [UInt8]) throws -> [[String: Any]] {
        try bytes.split(separator: UInt8(ascii: "\n")).map { try object(Array($0)) }
    }

    static func object(_ line: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw NotAnObject()
        }
        return object
    }
}
