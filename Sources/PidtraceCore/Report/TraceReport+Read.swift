extension TraceReport {
    /// Default threshold for "reaped late", the same as the tracer's `--zombie-after`.
    public static let defaultLateReapNs = 5_000_000_000

    /// Reads a recorded NDJSON file ("-" for standard input). A bad line becomes a
    /// diagnostic with its number and reading goes on; blank lines are skipped; only
    /// a file that cannot be opened or read throws.
    public static func read(path: String, lateReapNs: Int = defaultLateReapNs,
                            maxLineBytes: Int = NDJSONLineReader.defaultMaxLineBytes) throws(ReportInputError) -> TraceReport {
        let reader = try NDJSONLineReader(path: path, maxLineBytes: maxLineBytes)
        var builder = ReportBuilder(lateReapNs: lateReapNs)
        while let line = try reader.next() {
            switch line {
            case let .tooLong(number):
                builder.malformed(line: number, "longer than \(maxLineBytes) bytes; skipped")
            case let .text(number, bytes):
                guard !bytes.allSatisfy(isBlank) else { continue }
                let json: JSONValue
                do {
                    json = try JSONParser.parse(bytes)
                } catch {
                    builder.malformed(line: number, "not JSON: \(error)")
                    continue
                }
                do {
                    if let record = try ReportRecord.decode(json) { builder.add(record) } else { builder.skipUnknown() }
                } catch {
                    builder.malformed(line: number, error.reason)
                }
            }
        }
        return builder.finish()
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0d }
}
