#!/usr/bin/env python3
"""Judges the kernel-matrix runs (scripts/test-kernels): each VM's console log holds
`pidtrace check --json`, the trace of the scenario (scripts/kernels/init.sh) and the
ground truth the scenario read inside the VM. Prints one table, kernel x feature:
ok / unavailable (reason) / FAIL (why). Exits 1 when any cell FAILs.

    judge.py [--markdown FILE] SUITE=LOG...
"""
import json
import sys

DISTRIBUTION = {"bullseye": "Debian 11", "bookworm": "Debian 12", "trixie": "Debian 13"}
FEATURES = ["check", "fork/exec/exit", "exit codes", "signal", "oom_kill", "zombie/reap", "thread storm",
            "PID filter", "exec_failed"]
STORM_THREADS = 32


class Fail(Exception):
    pass


def sections(text):
    """The console between `=== NAME` markers, as lists of lines."""
    out, name = {}, None
    for line in text.replace("\r", "").split("\n"):
        if "=== " in line:  # the console may put terminal escapes before it
            words = line[line.index("=== ") + 4:].split(" ", 1)
            name = words[0]
            out[name] = [words[1]] if len(words) > 1 else []
            continue
        if name is not None:
            out[name].append(line)
    return out


def records(lines):
    recs = []
    for line in lines:
        line = line.strip()
        if line.startswith("{"):
            try:
                recs.append(json.loads(line))
            except ValueError:
                pass  # a console line cut by a kernel message; judged by what is missing
    return recs


def judge(text):
    """feature -> (status, detail), status in ok / unavailable / FAIL."""
    s = sections(text)
    result = {}
    if "end" not in s:
        why = "the VM did not finish the scenario (see its console log)"
        if "uname" not in s:
            why = "the VM did not reach userspace (see its console log)"
        return {f: ("FAIL", why) for f in FEATURES}, s.get("uname", ["?"])[0]
    kernel = s["uname"][0].strip()
    checks = {c.get("check"): c for c in records(s.get("check", []))}
    trace = records(s.get("trace", []))
    truth = [line.split() for line in s.get("truth", []) if line.strip()]
    start = next((r for r in trace if r.get("event") == "start"), None)
    unavailable = (start or {}).get("unavailable", {})

    def by(event, pid):
        return [r for r in trace if r.get("event") == event and r.get("host_pid") == pid]

    def cell(feature, kinds, test):
        missing = [k for k in kinds if k in unavailable]
        if missing:
            result[feature] = ("unavailable", "; ".join(f"{k}: {unavailable[k]}" for k in missing))
            return
        try:
            test()
            result[feature] = ("ok", "")
        except Fail as e:
            result[feature] = ("FAIL", str(e))

    def check():
        status = s.get("check-status", ["?"])[0].strip()
        bad = [f"{n}: {c.get('status')} {c.get('detail')}" for n, c in checks.items()
               if c.get("status") == "FAIL"]
        if status != "0" or bad or checks.get("fork/exec/exit", {}).get("status") != "OK":
            raise Fail(f"exit {status}; " + "; ".join(bad or ["no round trip"]))

    def nested():
        rows = [t for t in truth if t[0] == "nested"]
        if len(rows) != 3:
            raise Fail(f"{len(rows)} of 3 scenario processes recorded their NSpid")
        for row in rows:
            chain = [int(x) for x in row[2:]]
            for event in ("fork", "exec", "exit"):
                recs = by(event, chain[0])
                if not recs:
                    raise Fail(f"no {event} for host PID {chain[0]} (NSpid {chain})")
                for r in recs:
                    if r.get("ns_pids") != chain:
                        raise Fail(f"{event} of {chain[0]}: ns_pids {r.get('ns_pids')} but NSpid {chain}")
                    if r.get("ns_pid") != chain[-1] or r.get("ns_level") != len(chain) - 1:
                        raise Fail(f"{event} of {chain[0]}: ns_pid {r.get('ns_pid')} level {r.get('ns_level')}")
        if not any(len(row) > 4 for row in rows):
            raise Fail("no process two PID namespaces deep")

    def exit_codes():
        for row in (t for t in truth if t[0] == "nested"):
            code, pid = int(row[1]), int(row[2])
            exits = by("exit", pid)
            if len(exits) != 1 or exits[0].get("exit_code") != code:
                raise Fail(f"host PID {pid} exited {code}: got {[e.get('exit_code') for e in exits]}")

    def signal():
        row = next((t for t in truth if t[0] == "sigkill"), None)
        if not row:
            raise Fail("the scenario did not run")
        victim, sender = int(row[1]), int(row[2])
        sigs = [r for r in by("signal", victim) if r.get("signal") == 9]
        if not sigs:
            raise Fail(f"no SIGKILL record for {victim}")
        if sigs[0].get("sender", {}).get("host_pid") != sender:
            raise Fail(f"SIGKILL sender {sigs[0].get('sender')}, expected host PID {sender}")
        exits = by("exit", victim)
        if len(exits) != 1 or exits[0].get("signal") != 9:
            raise Fail(f"exit of {victim}: {exits}")

    def oom():
        row = next((t for t in truth if t[0] == "oom"), None)
        if not row:
            raise Fail("the scenario did not run")
        hog = int(row[1])
        kills = by("oom_kill", hog)
        if len(kills) != 1:
            raise Fail(f"{len(kills)} oom_kill records for host PID {hog}")
        if kills[0].get("comm") != "storm" or not kills[0].get("memcg_id"):
            raise Fail(f"oom_kill record: comm {kills[0].get('comm')}, memcg_id {kills[0].get('memcg_id')}")
        exits = by("exit", hog)
        if len(exits) != 1 or exits[0].get("signal") != 9:
            raise Fail(f"exit of the OOM victim {hog}: {exits}")

    def zombie():
        row = next((t for t in truth if t[0] == "zombie"), None)
        if not row:
            raise Fail("the scenario did not run")
        pid = int(row[1])
        if not by("zombie", pid):
            raise Fail(f"no zombie record for host PID {pid} (unreaped for 2 s, --zombie-after 1)")
        reaps = by("reap", pid)
        if len(reaps) != 1:
            raise Fail(f"{len(reaps)} reap records for {pid} (expected one, once its parent died)")

    def storm():
        rows = [t for t in truth if t[0] == "storm"]
        if len(rows) < 40:
            raise Fail(f"{len(rows)} of 40 storm rounds ran")
        for _, mode, pid in rows:
            exits = by("exit", int(pid))
            if len(exits) != 1:
                raise Fail(f"{mode}: {len(exits)} exit records for one process of {STORM_THREADS} threads (host PID {pid})")
            e = exits[0]
            if (mode == "exit_group" and e.get("exit_code") != 7) or (mode == "kill" and e.get("signal") != 9):
                raise Fail(f"{mode}: exit of {pid}: {e}")

    def filtered():
        row = next((t for t in truth if t[0] == "filtered"), None)
        outside = next((t for t in truth if t[0] == "outside"), None)
        if not row or not outside:
            raise Fail("the scenario did not run")
        chain = [int(x) for x in row[1:]]
        recs = records(s.get("filtered", []))
        kinds = {r.get("event") for r in recs if r.get("host_pid") == chain[0]}
        if not {"fork", "exec", "exit", "reap"} <= kinds:
            raise Fail(f"records of host PID {chain[0]} (NSpid {chain}): {sorted(kinds)}; "
                       f"exit status {s.get('filtered-status', ['?'])[0]}, {' '.join(s.get('filtered-stderr', []))}")
        exit_ = next(r for r in recs if r.get("event") == "exit" and r.get("host_pid") == chain[0])
        if exit_.get("ns_pids") != chain or exit_.get("exit_code") != 6:
            raise Fail(f"exit of {chain[0]}: ns_pids {exit_.get('ns_pids')} code {exit_.get('exit_code')}, NSpid {chain} code 6")
        oom = next((t for t in truth if t[0] == "filteredoom"), None)
        hog = int(oom[1]) if oom else None
        if not any(r.get("event") == "oom_kill" and r.get("host_pid") == hog for r in recs):
            raise Fail(f"no oom_kill record of host PID {hog} (killed inside the namespace)")
        strays = [r for r in recs if r.get("ns_level") == 0 and r.get("event") in ("fork", "exec", "exit", "reap")]
        if strays:
            raise Fail(f"{len(strays)} records from outside the namespace, e.g. {strays[0].get('event')} of {strays[0].get('host_pid')}")

    def exec_failed():
        row = next((t for t in truth if t[0] == "execfail"), None)
        if not row:
            raise Fail("the scenario did not run")
        chain = [int(x) for x in row[1:]]
        fails = [r for r in by("exec_failed", chain[0]) if r.get("filename") == "/nonexistent/app"]
        if len(fails) != 1:
            raise Fail(f"{len(fails)} exec_failed records of /nonexistent/app for host PID {chain[0]}")
        r = fails[0]
        if r.get("errno") != 2 or r.get("error") != "ENOENT" or r.get("argv") != ["/nonexistent/app", "--flag"]:
            raise Fail(f"exec_failed: errno {r.get('errno')} {r.get('error')}, argv {r.get('argv')}")
        if r.get("ns_pids") != chain:
            raise Fail(f"exec_failed of {chain[0]}: ns_pids {r.get('ns_pids')}, NSpid {chain}")
        recs = records(s.get("filtered", []))
        paths = [r.get("filename") for r in recs if r.get("event") == "exec_failed"]
        if "/nonexistent/inside" not in paths or "/nonexistent/outside" in paths:
            raise Fail(f"under --pid, exec_failed of {paths}: expected /nonexistent/inside and not /nonexistent/outside")

    cell("check", [], check)
    cell("fork/exec/exit", ["fork", "exec", "exit"], nested)
    cell("exit codes", ["exit"], exit_codes)
    cell("signal", ["signal"], signal)
    cell("oom_kill", ["oom_kill"], oom)
    cell("zombie/reap", ["reap"], zombie)
    cell("thread storm", ["exit"], storm)
    cell("PID filter", ["fork", "exec", "exit", "reap", "oom_kill"], filtered)
    cell("exec_failed", ["exec_failed"], exec_failed)
    stop = next((r for r in trace if r.get("event") == "stop"), None)
    if not start or not stop:
        for f in FEATURES[1:]:
            if result[f][0] == "ok":
                result[f] = ("FAIL", "the trace has no start or stop record")
    elif stop.get("lost"):
        result["thread storm"] = ("FAIL", f"{stop['lost']} events lost") if result["thread storm"][0] == "ok" else result["thread storm"]
    return result, kernel


def main(argv):
    markdown = None
    if len(argv) > 1 and argv[0] == "--markdown":
        markdown, argv = argv[1], argv[2:]
    rows, notes, failed = [], [], False
    for arg in argv:
        suite, path = arg.split("=", 1)
        try:
            text = open(path, errors="replace").read()
        except OSError as e:
            text = ""
            print(f"{suite}: {e}", file=sys.stderr)
        result, kernel = judge(text)
        cells = []
        for f in FEATURES:
            status, detail = result[f]
            if status == "ok":
                cells.append("ok")
                continue
            failed |= status == "FAIL"
            notes.append((len(notes) + 1, kernel, f, status, detail))
            cells.append(f"{status} [{len(notes)}]")
        rows.append((kernel, DISTRIBUTION.get(suite, suite), cells))

    head = ["kernel", "distribution"] + FEATURES
    table = [head] + [[k, d] + c for k, d, c in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
    for n, kernel, feature, status, detail in notes:
        print(f"[{n}] {kernel} {feature}: {detail}")
    if markdown:
        with open(markdown, "w") as f:
            f.write("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
            for r in table[1:]:
                f.write("| " + " | ".join(r) + " |\n")
            for n, kernel, feature, status, detail in notes:
                f.write(f"\n[{n}] {kernel}, {feature}: {detail}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
