#!/usr/bin/env python3
"""Turns bench/suite.sh's rows into OUT/NAME.md and gnuplot scripts for its PNGs (stdlib only).

Usage: suite_report.py ROWS_TSV OUT_DIR NAME WORK_DIR SETTINGS
ROWS_TSV columns: section target sessions size messages mps e2e_mps p50 p95 p99 cpu_ms rss_mib
(section: compare, blast, turns, e2e, sustain; for turns the size column is the round; "-" where a figure does not apply). The gnuplot
scripts (WORK_DIR/*.gp) write OUT/NAME-throughput.png, NAME-latency.png and NAME-queues.png.
"""
import csv
import os
import subprocess
import sys

COLS = "section target sessions size messages mps e2e_mps p50 p95 p99 cpu_ms rss_mib".split()


def size_name(octets):
    n = int(octets)
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def host():
    load = open("/proc/loadavg").read().split()[:3]
    return f"{os.cpu_count()} CPUs, load average {' '.join(load)} at the end of the run"


def queue_summary(csv_path):
    if not os.path.exists(csv_path):
        return "no samples"
    with open(csv_path) as f:
        rows = [r for r in csv.DictReader(f) if r["store.maildir"] != ""]
    if not rows:
        return "no samples (the /metrics endpoint did not answer)"
    out = []
    for q in ("store.maildir", "store.sql", "delivery", "dlq_total"):
        peak = max(rows, key=lambda r: int(r[q] or 0))
        out.append(f"`{q}` peak {peak[q]} at {float(peak['seconds']):.0f} s")
    last = rows[-1]
    out.append(f"last sample at {float(last['seconds']):.0f} s: maildir {last['store.maildir']}, sql {last['store.sql']}")
    return "; ".join(out) + f" ({len(rows)} samples)"


def gnuplot(work, out, name, blast):
    targets = sorted({r["target"] for r in blast}, key=lambda t: (t != "gateway", t))
    sizes = sorted({int(r["size"]) for r in blast})
    for t in targets:
        for s in sizes:
            with open(os.path.join(work, f"{t}-{s}.dat"), "w") as f:
                for r in sorted((r for r in blast if r["target"] == t and int(r["size"]) == s), key=lambda r: int(r["sessions"])):
                    f.write(f"{r['sessions']} {r['mps']} {r['p50']} {r['p95']} {r['p99']}\n")
    cols = max(1, len(sizes))

    def panels(ylabel, plot_of):
        g = [f"set terminal pngcairo noenhanced size {480 * cols},420 font ',9'", "set multiplot layout 1," + str(cols),
             "set logscale x", "set xlabel 'sessions'", f"set ylabel '{ylabel}'", "set key top left", "set grid",
             "set datafile missing 'nan'"]
        for s in sizes:
            g.append(f"set title '{size_name(s)} messages'")
            g.append("plot " + ", ".join(plot_of(t, os.path.join(work, f"{t}-{s}.dat")) for t in targets))
        return g + ["unset multiplot"]

    thr = panels("messages/s", lambda t, d: f"'{d}' using 1:2 with linespoints title '{t}'")
    lat = panels("ms (log scale)", lambda t, d: (
        f"'{d}' using 1:3 with linespoints title '{t} p50', '{d}' using 1:4 with linespoints title '{t} p95', "
        f"'{d}' using 1:5 with linespoints title '{t} p99'") if t == "gateway" else
        f"'{d}' using 1:5 with linespoints dashtype 2 title '{t} p99'")
    lat.insert(lat.index("set logscale x") + 1, "set logscale y")
    for script, lines in (("throughput", thr), ("latency", lat)):
        lines.insert(1, f"set output '{out}/{name}-{script}.png'")
        with open(os.path.join(work, f"{script}.gp"), "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(work, "queues.gp"), "w") as f:
        f.write("\n".join([
            "set terminal pngcairo noenhanced size 900,420 font ',9'", f"set output '{out}/{name}-queues.png'",
            "set datafile separator ','", "set key autotitle columnhead top right", "set grid",
            "set xlabel 'seconds since the sustained load started'", "set ylabel 'messages in the queue'",
            "set y2label 'RSS MiB'", "set y2tics", "set ytics nomirror",
            "set title 'gateway queue depth (smtp_queue_size) under sustained load, then draining'",
            f"plot '{out}/{name}-queues.csv' using 1:2 with lines lw 2, '' using 1:3 with lines lw 2, "
            "'' using 1:5 with lines, '' using 1:6 axes x1y2 with lines dashtype 2"]) + "\n")


def turns_section(turns):
    """The p99 target, round by round: gateway p99 / smtp-sink p99 of the same round, and the median."""
    rounds = sorted({int(r["size"]) for r in turns})
    rows, ratios = [], []
    for n in rounds:
        g = next((r for r in turns if r["target"] == "gateway" and int(r["size"]) == n), None)
        k = next((r for r in turns if r["target"] == "sink" and int(r["size"]) == n), None)
        if not g or not k:
            continue
        try:
            ratio = float(g["p99"]) / float(k["p99"])
        except (ValueError, ZeroDivisionError):
            ratio = float("nan")
        if ratio == ratio:
            ratios.append(ratio)
        rows.append([n, g["mps"], g["p50"], g["p99"], g["cpu_ms"], k["mps"], k["p50"], k["p99"], f"{ratio:.2f}"])
    if not rows:
        return []
    ratios.sort()
    median = ratios[len(ratios) // 2] if len(ratios) % 2 else sum(ratios[len(ratios) // 2 - 1:len(ratios) // 2 + 1]) / 2
    return ["## The p99 target in turns (smtp_blast.py, 100 sessions, 1 KiB)\n",
            "Each round: the gateway (store queues empty first), then smtp-sink right after. Target: gateway "
            f"p99 at most 3 x smtp-sink's. **Median ratio of {len(ratios)} rounds: {median:.2f}** "
            f"(lowest {ratios[0]:.2f}, highest {ratios[-1]:.2f}).\n\n",
            table(["round", "gateway msg/s", "gateway p50 ms", "gateway p99 ms", "gateway CPU ms/msg",
                   "sink msg/s", "sink p50 ms", "sink p99 ms", "p99 ratio"], rows)]


def main():
    rows_path, out, name, work, settings = sys.argv[1:6]
    with open(rows_path) as f:
        rows = [dict(zip(COLS, line.rstrip("\n").split("\t"))) for line in f if line.strip()]
    by = lambda s: [r for r in rows if r["section"] == s]
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    md = [f"# Load benchmarks, {name}\n",
          f"`bench/suite.sh` ({settings}), commit {rev or '?'}, {host()}. The gateway: the packaged jar, "
          "STORAGE_TYPE=maildir,sql, SPF/DKIM/DMARC off, MAX_CONNECTIONS=1100, other settings default. "
          "Peers from `../shared/bench`. The load average counts the benchmark's own runnable threads "
          "(a gateway cell alone drives it past 10 on 2 cores). **A virtual machine's speed can change "
          "from one minute to the next, so the numbers are only comparable within this run, as "
          "ratios.** Raw output: "
          f"[{name}-raw.txt]({name}-raw.txt).\n",
          "CPU ms/msg: the gateway process's utime + stime (/proc/PID/stat) over the step, divided by "
          "the messages; \"acceptance / end to end\": CPU while the load ran / CPU until both stores "
          "held every message. RSS: the largest VmRSS sampled during the step.\n"]
    md += ["## Acceptance, side by side (compare.sh, 100 sessions, 1 KiB)\n",
           table(["target", "messages", "accepted/s (median)", "CPU ms/msg (acceptance / end to end)", "RSS MiB"],
                 [[r["target"], r["messages"], r["mps"], r["cpu_ms"], r["rss_mib"]] for r in by("compare")])]
    md += ["## End to end: accepted and stored (e2e.sh, 100 sessions, 1 KiB)\n",
           "The gateway counts a message when it is in both the Maildir and the SQL table; Postfix when "
           "local(8) has delivered it into its Maildir.\n\n",
           table(["target", "messages", "accepted/s", "end-to-end/s", "CPU ms/msg (end to end)", "RSS MiB"],
                 [[r["target"], r["messages"], r["mps"], r["e2e_mps"], r["cpu_ms"], r["rss_mib"]] for r in by("e2e")])]
    blast = by("blast")
    md += ["## Latency by sessions and size (smtp_blast.py)\n",
           "Latency of one message: MAIL FROM to the reply after the final dot. A cell sends at most the "
           "messages in the column, so large-message cells at many sessions have fewer messages in flight "
           "than sessions. Failed: refused (e.g. over a peer's size limit) or never sent because the cell "
           "timed out.\n\n",
           f"![throughput]({name}-throughput.png)\n\n![latency]({name}-latency.png)\n\n",
           table(["target", "size", "sessions", "sent (failed)", "accepted/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms/msg", "RSS MiB"],
                 [[r["target"], size_name(r["size"]), r["sessions"], r["messages"], r["mps"], r["p50"], r["p95"], r["p99"],
                   r["cpu_ms"], r["rss_mib"]] for r in blast])]
    md += turns_section(by("turns"))
    md += ["## Sustained load and queue depth\n",
           table(["target", "sessions", "messages", "accepted/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms/msg (end to end)", "RSS MiB (max)"],
                 [[r["target"], r["sessions"], r["messages"], r["mps"], r["p50"], r["p95"], r["p99"], r["cpu_ms"], r["rss_mib"]]
                  for r in by("sustain")]),
           f"\nQueue depths every few seconds: [{name}-queues.csv]({name}-queues.csv); "
           + queue_summary(os.path.join(out, f"{name}-queues.csv")) + ".\n\n",
           f"![queues]({name}-queues.png)\n"]
    with open(os.path.join(out, f"{name}.md"), "w") as f:
        f.write("\n".join(md))
    gnuplot(work, out, name, blast)


if __name__ == "__main__":
    main()
