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
                add(bytes, line: number, to: &builder)
            }
        }
        return builder.finish()
    }

    /// Reads NDJSON lines already in memory (a generation's records kept by the history),
    /// exactly as `read(path:)` reads a file's.
    public static func read(lines: [String], lateReapNs: Int = defaultLateReapNs) -> TraceReport {
        var builder = ReportBuilder(lateReapNs: lateReapNs)
        for (i, line) in lines.enumerated() { add(Array(line.utf8), line: i + 1, to: &builder) }
        return builder.finish()
    }

    private static func add(_ bytes: [UInt8], line number: Int, to builder: inout ReportBuilder) {
        guard !bytes.allSatisfy(isBlank) else { return }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            builder.malformed(line: number, "not JSON: \(error)")
            return
        }
        do {
            if let record = try ReportRecord.decode(json) { builder.add(record) } else { builder.skipUnknown() }
        } catch {
            builder.malformed(line: number, error.reason)
        }
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0d }
}
