extension TimelineHTML {
    static let defs = """
        <svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
        <linearGradient id="fade-in" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="#fff" stop-opacity="0.9"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></linearGradient>
        <linearGradient id="fade-out" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#fff" stop-opacity="0.9"/></linearGradient>
        </defs></svg>
        """

    static let css = """
        :root{color-scheme:light}
        body{font:14px/1.4 "DejaVu Sans",system-ui,sans-serif;color:#1f2937;background:#f6f7f9;margin:0;padding:16px 24px}
        header h1{font-size:20px;margin:0 0 8px}
        .facts{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 0 12px;font-size:13px}
        .facts div{display:flex;gap:6px}
        .facts dt{color:#6b7280}
        .facts dd{margin:0;font-weight:600}
        .facts .warn dd{color:#b45309}
        .legend{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:8px 12px;font-size:12.5px;line-height:2}
        .legend-title{font-weight:600;margin-right:6px}
        .key{display:inline-flex;align-items:center;gap:5px;margin-right:16px;white-space:nowrap}
        .hint{color:#6b7280}
        section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin:14px 0;padding:10px 12px;overflow-x:auto}
        h2{font-size:16px;margin:0 0 4px}
        h2 .note{font-weight:400;color:#6b7280;font-size:13px;margin-left:8px}
        .empty{color:#6b7280}
        svg.timeline{display:block;max-width:100%;height:auto}
        svg text{font-family:"DejaVu Sans",system-ui,sans-serif}
        .tick{font-size:11px;fill:#6b7280}
        .axis-caption{font-size:11px;fill:#9ca3af;font-weight:600}
        .axis-line{stroke:#9ca3af}
        .grid{stroke:#eceef1}
        .sep{stroke:#f0f1f3}
        .gen{font-size:13px;font-weight:700;fill:#111827}
        .pid{font-size:11px;fill:#4b5563}
        .end{font-size:11px;font-weight:600}
        .bar.ok{fill:#2f9e5b}.end.ok{fill:#23794a}
        .bar.fail{fill:#e08a00}.end.fail{fill:#a86400}
        .bar.killed{fill:#d64541}.end.killed{fill:#b02a26}
        .bar.oom{fill:#7b4bb7}.end.oom{fill:#6a3aa6}
        .bar.running{fill:#3b82c4}.end.running{fill:#2a69a6}
        .bar.unknown{fill:#9aa3ad}.end.unknown{fill:#6b7280}
        .restart{stroke:#9ca3af;stroke-width:1.5;stroke-dasharray:4 3}
        .exec{stroke:#fff;stroke-width:2;stroke-opacity:.9}
        .legend .exec{stroke:#374151}
        .drop{stroke:#1f2937;stroke-width:1;stroke-opacity:.55;stroke-dasharray:2 2}
        .sig{fill:#1f2937;stroke:#1f2937;stroke-width:1;stroke-linejoin:round}
        .sig.hollow{fill:#fff}
        .oom-mark{fill:#fff;stroke:#5b21b6;stroke-width:2.5;stroke-linejoin:round}
        .sig-label{font-size:11px;fill:#1f2937;font-weight:600}
        .oom-label{font-size:11px;fill:#5b21b6;font-weight:600}
        .zline{stroke:#a16207;stroke-width:4;stroke-linecap:round}
        .zline.open{stroke-width:2;stroke-dasharray:3 3;stroke-linecap:butt}
        .znever{fill:#fff;stroke:#a16207;stroke-width:2}
        .zlate{fill:#a16207}
        .zlabel{font-size:10.5px;fill:#854d0e}
        .zbox{fill:#fff}
        .chain{font:12px "DejaVu Sans Mono",ui-monospace,monospace;fill:#111827}
        .finding{font:12px "DejaVu Sans",sans-serif;fill:#7c2d12}
        .fix{font:600 12px "DejaVu Sans",sans-serif;fill:#14532d}
        .missing{font-size:12px;fill:#6b7280;font-style:italic}
        .hit{fill:transparent}
        g.hover:hover .bar,g.hover:hover .sig,g.hover:hover .oom-mark,g.hover:hover .zline{filter:brightness(1.2)}
        g.hover:hover .bar{stroke:#111827;stroke-width:1.5}
        details{margin-top:6px;font-size:12.5px}
        summary{cursor:pointer;color:#4b5563}
        table.events{border-collapse:collapse;margin-top:6px}
        .events th,.events td{text-align:left;padding:2px 10px 2px 0;vertical-align:top;border-bottom:1px solid #f0f1f3}
        .events td:first-child,.events td:last-child{font-family:"DejaVu Sans Mono",ui-monospace,monospace;font-size:12px}
        """
}
