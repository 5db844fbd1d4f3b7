import Testing
@testable import PidtraceCore

/// `pidtrace summary --html`: the page's structure read back as text. (A real browser
/// renders it in PidtraceIntegrationTests/TimelineBrowserTests.)
@Suite("summary --html: the timeline page")
struct TimelineHTMLTests {
    /// The part of the page after the legend: the sections with their timelines.
    private func sections(_ html: String) -> Substring {
        html[(html.range(of: "<section>")?.lowerBound ?? html.endIndex)...]
    }

    private func count(_ needle: String, in text: some StringProtocol) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("restarts: one section, one bar per generation coloured by its ending, in order")
    func barsPerGeneration() throws {
        let html = try ReportFixture.report("restarts").timelineHTML()
        let body = sections(html)
        #expect(count("<section>", in: body) == 1)
        #expect(body.contains("container web (3f2a9c1b2d4e)"))
        #expect(body.contains("3 generations in the file, 2 restarts"))
        let bars = body.components(separatedBy: "<rect class=\"bar ").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(bars == ["fail", "killed", "oom"])
        #expect(body.contains(">generation 1</text>") && body.contains(">generation 3</text>"))
        #expect(body.contains(">exit 3</text>"))
        #expect(body.contains(">SIGKILL from dockerd</text>"))
        #expect(count("class=\"restart\"", in: body) == 2, "the gaps between generations")
    }

    @Test("signals to PID 1: one marker each, the sender in the hover title and the label")
    func signalMarkers() throws {
        let body = sections(try ReportFixture.report("restarts").timelineHTML())
        #expect(count("<path class=\"sig", in: body) == 3)
        #expect(count("<path class=\"sig hollow\"", in: body) == 1, "the ignored SIGTERM")
        #expect(body.contains("<title>SIGTERM to PID 1 from host PID 77 (dockerd), ignored\nat 2026-03-02T10:00:11.000000000Z</title>"))
        #expect(body.contains("<title>SIGKILL to PID 1 from host PID 77 (dockerd), delivered\nat 2026-03-02T10:00:12.000000000Z</title>"))
        #expect(body.contains(">SIGKILL ← dockerd</text>"))
        #expect(body.contains("ended: killed by SIGKILL from host PID 77 (dockerd)"), "in the bar's title")
    }

    @Test("OOM kill and zombies are markers with their stories on hover")
    func oomAndZombies() throws {
        let body = sections(try ReportFixture.report("restarts").timelineHTML())
        #expect(count("<path class=\"oom-mark\"", in: body) == 1)
        #expect(body.contains("<title>OOM kill of host 4400/ns 1 (leak) (PID 1), memory cgroup 5123\nat 2026-03-02T10:00:30.000000000Z</title>"))
        #expect(count("class=\"znever\"", in: body) == 1)
        #expect(body.contains("zombie never reaped: host 4301/ns 2 (sleep), a zombie for 5.0 s at its last record"))
        #expect(count("class=\"zlate\"", in: body) == 1)
        #expect(body.contains("zombie reaped late: host 4412/ns 4 (sh), a zombie for 7.5 s, reaped by host 4400/ns 1 (sh) (reparented to PID 1)"))
    }

    @Test("exec chains under the bars, exec ticks in them, a shared axis with clock labels")
    func execChainAndAxis() throws {
        let body = sections(try ReportFixture.report("restarts").timelineHTML())
        #expect(body.contains(">sh -c start.sh → nginx -g &#39;daemon off;&#39;<title>"))
        #expect(body.contains(">sh -c start.sh → /app/leak<title>"))
        // Generation 1's first command was running at trace start: no tick for it.
        #expect(count("<line class=\"exec\"", in: body) == 1 + 2 + 2)
        for label in ["10:00:00", "10:00:05", "10:00:30"] { #expect(body.contains(">\(label)</text>")) }
        #expect(!body.contains(">10:00:35</text>"), "the axis ends at the stop record")
    }

    @Test("a trace without containers: one section per PID namespace; zombies never reaped and reaped late")
    func namespaces() throws {
        let html = try ReportFixture.report("zombies").timelineHTML()
        let body = sections(html)
        #expect(body.contains("PID namespace 4026532300"))
        #expect(body.components(separatedBy: "<rect class=\"bar ").count - 1 == 1)
        #expect(body.contains("<rect class=\"bar running\""))
        #expect(body.contains(">running at trace stop</text>"))
        #expect(count("class=\"znever\"", in: body) == 1 && count("class=\"zlate\"", in: body) == 1)
        #expect(body.contains("zombie reaped late: host 6002/ns 3 (sleep), a zombie for 6.0 s, reaped by host 6000/ns 1 (sleep)"))
        #expect(html.contains("<dt>lost</dt><dd>0</dd>"))
    }

    @Test("the header: host, time range, complete or cut short, lost")
    func header() throws {
        let complete = try ReportFixture.report("restarts").timelineHTML()
        #expect(complete.contains("<dt>host</dt><dd>web1</dd>"))
        #expect(complete.contains("2026-03-02T10:00:00.000000000Z → 2026-03-02T10:00:31.000000000Z (31.0 s)"))
        #expect(complete.contains("<dt>recording</dt><dd>complete (stop: signal)</dd>"))
        #expect(complete.contains("<div class=\"warn\"><dt>lost</dt><dd>3</dd></div>"))
        let cut = try ReportFixture.report("truncated").timelineHTML()
        #expect(cut.contains("<div class=\"warn\"><dt>recording</dt><dd>cut short (no stop record)</dd></div>"))
        #expect(cut.contains("<dt>malformed lines</dt><dd>1 (7)</dd>"))
    }

    @Test("self-contained: no script, no URL, nothing to fetch")
    func selfContained() throws {
        for name in ["restarts", "zombies", "truncated", "malformed", "old-contract"] {
            let html = try ReportFixture.report(name).timelineHTML()
            #expect(html.hasPrefix("<!DOCTYPE html>"), "\(name)")
            #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
            for banned in ["http://", "https://", "<script", "src=", "href=", "@import", "<link"] {
                #expect(!html.contains(banned), "\(name) contains \(banned)")
            }
            let urls = html.components(separatedBy: "url(").dropFirst()
            #expect(urls.allSatisfy { $0.hasPrefix("#fade-") }, "only the page's own gradients")
        }
    }

    @Test("attacker-controlled text is escaped everywhere it appears")
    func escaping() throws {
        let dir = TemporaryDirectory()
        let hostile = #"<script>alert(1)</script>"#
        let record = #""container_id":"c0ffee00c0ffee00","container_name":"</title><img src=x onerror=alert(2)>","container_generation":1"#
        let text = """
            {"event":"start","time":"2026-03-02T10:00:00Z","ts_ns":1000,"version":"0.1.0","hostname":"<b>host</b>"}
            {"event":"exec","time":"2026-03-02T10:00:01Z","ts_ns":1000001000,"host_pid":10,"ns_pid":1,"pidns":7,"comm":"x\\u202e'\\"&","argv":["\(hostile)","a\\u0007b"],\(record)}
            {"event":"signal","time":"2026-03-02T10:00:02Z","ts_ns":2000001000,"host_pid":10,"ns_pid":1,"pidns":7,"signal":15,"signal_name":"<i>SIGTERM","sender":{"host_pid":5,"comm":"<svg onload=alert(3)>"},\(record)}
            {"event":"stop","time":"2026-03-02T10:00:03Z","ts_ns":3000001000,"reason":"<u>"}

            """
        let report = try ReportFixture.report(text: text, in: dir)
        let html = report.timelineHTML()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<u>"))
        #expect(!html.contains("<svg onload"))
        #expect(html.contains("&#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39; &#39;a?b&#39;"), "shell-quoted, then escaped")
        #expect(html.contains("&lt;/title&gt;&lt;img src=x onerror=alert(2)&gt;"))
        #expect(html.contains("&lt;svg onload=alert(3)&gt;"))
        #expect(html.contains("<title>pidtrace timeline — &lt;b&gt;host&lt;/b&gt;</title>"))
        #expect(html.contains("x?&#39;&quot;&amp;"), "quotes, ampersand, and a bidi override as '?'")
        #expect(!html.contains("\u{202e}") && !html.contains("\u{07}"))
    }

    @Test("HTMLEscape: the five characters, controls and bidi overrides")
    func escapeHelper() {
        #expect(HTMLEscape.text(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLEscape.text("tab\there\u{0}\u{9b}\u{2066}") == "tab?here???")
        #expect(HTMLEscape.text("nginx → ünïcødé") == "nginx → ünïcødé")
    }

    @Test("hostile stamps and an empty file: a page, never a trap")
    func hostileNumbers() throws {
        let dir = TemporaryDirectory()
        let text = """
            {"event":"fork","ts_ns":9223372036854775807,"host_pid":10,"ns_pid":1,"pidns":7,"comm":"a"}
            {"event":"exec","ts_ns":-9223372036854775807,"host_pid":10,"ns_pid":1,"pidns":7,"argv":["a"]}
            {"event":"zombie","ts_ns":0,"host_pid":11,"ns_pid":2,"pidns":7,"zombie_ns":9223372036854775807}
            {"event":"signal","time":"9999-99-99T99:99:99Z","ts_ns":5,"host_pid":10,"ns_pid":1,"pidns":7,"signal":9}
            {"event":"exit","ts_ns":-5,"host_pid":10,"ns_pid":1,"pidns":7,"exit_code":0}

            """
        let html = try ReportFixture.report(text: text, in: dir).timelineHTML()
        #expect(html.contains("<rect class=\"bar ok\""))
        #expect(!html.contains("nan\"") && !html.contains("inf\""))
        let empty = try ReportFixture.report(text: "{\"event\":\"start\",\"hostname\":\"h\"}\n", in: dir).timelineHTML()
        #expect(empty.contains("No container or PID namespace generation in this file."))
    }

    @Test("RFC 3339 times as epoch ns; anything else is nil")
    func rfc3339() {
        #expect(TimeAxis.epochNs("1970-01-01T00:00:00Z") == 0)
        #expect(TimeAxis.epochNs("2026-03-02T10:00:00.5+01:00") == 1_772_442_000_500_000_000)
        #expect(TimeAxis.epochNs("2000-02-29T23:59:59Z") == 951_868_799e9)
        for bad in ["", "2026-03-02", "2026-03-02T10:00:00", "2026-13-02T10:00:00Z", "2026-03-02T10:00:00.Z", "2026-03-02T10:00:00Zjunk"] {
            #expect(TimeAxis.epochNs(bad) == nil, "\(bad)")
        }
        #expect(TimeAxis.clock(1_772_442_000_500_000_000, digits: 1) == "09:00:00.5")
        #expect(TimeAxis.seconds(12_500_000_000, digits: 0) == "13 s")
        #expect(TimeAxis.seconds(-1_500_000_000, digits: 1) == "-1.5 s")
    }

    @Test("the findings and their fix are shown whole on the page, not only on hover")
    func fixIsVisible() throws {
        let report = try ReportFixture.report("nginx-noexec-stop")
        let body = sections(report.timelineHTML())
        let g = try #require(report.generations.first)
        let fix = try #require(g.findings.compactMap(\.fix).first)
        func shown(_ cls: String) -> String {
            body.components(separatedBy: "<text class=\"\(cls)\"").dropFirst().map { part -> String in
                let text = part.drop { $0 != ">" }.dropFirst()
                return String(text.prefix { $0 != "<" })
            }.joined(separator: " ")
        }
        #expect(shown("fix") == HTMLEscape.text("Fix: " + fix + "."), "\(shown("fix"))")
        #expect(count("<text class=\"fix\"", in: body) >= 2, "a long fix wraps onto lines of its own")
        #expect(shown("finding") == HTMLEscape.text(g.findings.map(\.text).joined(separator: " ")))
        #expect(!body.contains("…</text>"), "nothing cut")
    }

    @Test func wrapping() {
        #expect(TimelineHTML.wrapped("aa bb cc dd", 10) == ["aa bb cc", "dd"])
        #expect(TimelineHTML.wrapped(String(repeating: "x ", count: 100), 10, maxLines: 2).count == 2)
        #expect(TimelineHTML.wrapped(String(repeating: "x ", count: 100), 10, maxLines: 2).last?.hasSuffix("…") == true)
    }
}

/// A container that joined a shared PID namespace is drawn as the life of its own init,
/// never called PID 1 (the namespace's PID 1 is the sandbox's), from real recordings:
/// a Podman pod of two such containers, and a CRI pod whose sandbox is PID 1 beside an
/// app that joined it.
@Suite("summary --html: the init of a container in a shared PID namespace")
struct TimelineSharedPIDTests {
    /// The legend: from its start to the first section.
    private func legend(_ html: String) -> Substring {
        let from = html.range(of: "<div class=\"legend\">")?.lowerBound ?? html.startIndex
        return html[from..<(html.range(of: "<section>")?.lowerBound ?? html.endIndex)]
    }

    @Test("every bar is a container's own init: the legend, rows, hovers and events table say so, never PID 1")
    func podmanPod() throws {
        let html = try ReportFixture.report("podman-shared-pid").timelineHTML()
        let legend = legend(html)
        #expect(legend.contains(">The container's init ended:</span>"))
        #expect(legend.contains("signal to the container's init, label") && legend.contains("exec by the container's init</span>"))
        #expect(html.contains(">init = host 24781, ns PID 6 · ") && html.contains(">init = host 24959, ns PID 14 · "))
        #expect(html.contains("<td>init ended</td>"))
        #expect(!html.contains(/PID 1(?![0-9])/), "the namespace's PID 1 is catatonit, neither container's")
    }

    @Test("the sandbox's PID 1 and the app's init on one page: the legend names both, each row its own")
    func criPod() throws {
        let html = try ReportFixture.report("cri-shared-pid-ignores").timelineHTML()
        #expect(legend(html).contains(">PID 1 (or a container's own init, where it shares a PID namespace) ended:</span>"))
        #expect(html.contains(">PID 1 = host 10636</text>") && html.contains(">init = host 10739, ns PID 8 · "))
        #expect(html.contains("<title>SIGTERM to init from host PID 10881 (runc), ignored\n"))
        #expect(!html.contains("to PID 1 from"), "the signals went to the app's init")
    }

    @Test("no container joined a namespace: PID 1, as before")
    func ownNamespaces() throws {
        let legend = legend(try ReportFixture.report("restarts").timelineHTML())
        #expect(legend.contains(">PID 1 ended:</span>") && legend.contains("exec by PID 1</span>"))
    }
}
