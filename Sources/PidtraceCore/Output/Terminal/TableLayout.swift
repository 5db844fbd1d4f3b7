/// The live table's columns and their widths. Full lines use the widths of
/// `TableSink.header`; on a terminal narrower than a full line, columns give up room so
/// that DETAIL (what happened: argv, exit status, signal sender) keeps some, and the
/// rest of the line is cut with "…" rather than wrapped.
struct TableLayout: Equatable {
    /// CONTAINER's width; nil without --container.
    var container: Int?
    /// PIDNS (the namespace inode) is shown.
    var pidns = true
    var comm = 16

    /// Columns DETAIL should keep when the terminal is narrow.
    static let detailRoom = 40

    static func full(showContainer: Bool) -> TableLayout { TableLayout(container: showContainer ? 14 : nil) }

    /// Where DETAIL starts: TIME, EVENT, [CONTAINER], HOST-PID, HOST-PPID, NS-PID,
    /// NS-PPID, [PIDNS], COMM, each followed by one space.
    var detailColumn: Int {
        13 + 7 + (container.map { $0 + 1 } ?? 0) + 9 + 10 + 8 + 8 + (pidns ? 11 : 0) + comm + 1
    }

    /// The full layout when `width` is nil or leaves DETAIL `detailRoom` columns; else
    /// narrower, in this order until DETAIL has its room: COMM down to 8 (still
    /// `start.sh`, `nginx`), CONTAINER down to 10, then PIDNS left out (the least read
    /// column; every record in the NDJSON still has it).
    static func fitting(width: Int?, showContainer: Bool) -> TableLayout {
        var layout = full(showContainer: showContainer)
        guard let width else { return layout }
        func deficit() -> Int { detailRoom - (width - layout.detailColumn) }
        layout.comm -= max(0, min(layout.comm - 8, deficit()))
        if let c = layout.container { layout.container = c - max(0, min(c - 10, deficit())) }
        if deficit() > 0 { layout.pidns = false }
        return layout
    }

    /// The header line for this layout; for the full one, `TableSink.header`
    /// (or `containerHeader`) exactly.
    func header() -> String {
        var line = "TIME         EVENT  "
        if let container { line += Self.pad("CONTAINER", container) + " " }
        line += "HOST-PID HOST-PPID  NS-PID NS-PPID "
        if pidns { line += "     PIDNS " }
        return line + Self.pad("COMM", comm) + " DETAIL"
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
