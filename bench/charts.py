#!/usr/bin/env python3
"""Draws docs/charts/*.svg from seatd-bench JSON lines (standard library only).

    python3 bench/charts.py bench/results/*.jsonl [--out docs/charts]

Charts:
  holds-throughput.svg  requests/s against clients (holds, no viewers; tag "sweep")
  fanout-latency.svg    delivery latency p50/p99 against viewers (fanout; tag "sweep")
  abuse-latency.svg     honest p99 per second, quiet then beside the flood then after (abuse; the
                        last abuse run of each tag, or untagged)
  soak-memory.svg       server RSS (MiB) and open fds against time (soak; the last soak run)
Each series is one (engine, instances) pair; the issue's FastAPI reference and seatd's targets
are drawn as separate markers.
"""
import argparse
import json
import math
import os
import sys
from xml.sax.saxutils import escape

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
W, H = 760, 460
ML, MR, MT, MB = 80, 250, 50, 60  # margins


def load(paths):
    rows = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass
    return rows


def nice_ticks(lo, hi, log):
    if log:
        a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        return [10 ** e for e in range(a, b + 1)]
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / 6
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=mag * 10)
    t = math.floor(lo / step) * step
    out = []
    while t <= hi + step * 1e-9 and len(out) < 50:
        out.append(t)
        t += step
    return out


def fmt(v):
    if v >= 1000 and v == int(v):
        return f"{int(v):,}"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:g}"
    return f"{v:.2g}"


def chart(title, xlabel, ylabel, series, markers=(), logx=False, logy=False, note=""):
    """series: [(name, [(x, y, label_or_None)], dashed, color)]; markers: [(name, x, y)]."""
    pts = [(x, y) for _, s, _, _ in series for x, y, _ in s] + [(x, y) for _, x, y in markers]
    if not pts:
        return None
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    xlo, xhi = min(xs), max(xs)
    ylo, yhi = (min(ys), max(ys)) if logy else (0, max(ys) * 1.1)
    if logx:
        xlo, xhi = 10 ** math.floor(math.log10(xlo)), 10 ** math.ceil(math.log10(xhi))
    elif xlo == xhi:
        xlo, xhi = 0, xhi * 1.1 + 1
    else:
        xlo = 0
    if logy:
        ylo, yhi = 10 ** math.floor(math.log10(max(ylo, 1e-3))), 10 ** math.ceil(math.log10(yhi))
    pw, ph = W - ML - MR, H - MT - MB

    def X(x):
        if logx:
            return ML + pw * (math.log10(x) - math.log10(xlo)) / (math.log10(xhi) - math.log10(xlo))
        return ML + pw * (x - xlo) / (xhi - xlo)

    def Y(y):
        if logy:
            y = max(y, ylo)
            return MT + ph * (1 - (math.log10(y) - math.log10(ylo)) / (math.log10(yhi) - math.log10(ylo)))
        return MT + ph * (1 - (y - ylo) / (yhi - ylo))

    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">{escape(title)}</text>']
    for t in nice_ticks(ylo, yhi, logy):
        if ylo <= t <= yhi:
            y = Y(t)
            o.append(f'<line x1="{ML}" y1="{y:.1f}" x2="{ML + pw}" y2="{y:.1f}" stroke="#ddd"/>')
            o.append(f'<text x="{ML - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt(t)}</text>')
    for t in nice_ticks(xlo, xhi, logx):
        if xlo <= t <= xhi:
            x = X(t)
            o.append(f'<line x1="{x:.1f}" y1="{MT}" x2="{x:.1f}" y2="{MT + ph}" stroke="#eee"/>')
            o.append(f'<text x="{x:.1f}" y="{MT + ph + 18}" text-anchor="middle">{fmt(t)}</text>')
    o.append(f'<rect x="{ML}" y="{MT}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    o.append(f'<text x="{ML + pw / 2}" y="{H - 18}" text-anchor="middle">{escape(xlabel)}</text>')
    o.append(f'<text transform="translate(18,{MT + ph / 2}) rotate(-90)" text-anchor="middle">{escape(ylabel)}</text>')
    ly = MT + 10
    for i, (name, s, dashed, color) in enumerate(series):
        c = COLORS[color % len(COLORS)]
        s = sorted(s)
        path = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y, _ in s)
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        o.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"{dash}/>')
        for x, y, label in s:
            o.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3.5" fill="{c}"/>')
            if label:
                o.append(f'<text x="{X(x) + 5:.1f}" y="{Y(y) - 6:.1f}" font-size="10" fill="{c}">{escape(label)}</text>')
        o.append(f'<line x1="{ML + pw + 70}" y1="{ly}" x2="{ML + pw + 94}" y2="{ly}" stroke="{c}" stroke-width="2"{dash}/>')
        o.append(f'<text x="{ML + pw + 98}" y="{ly + 4}">{escape(name)}</text>')
        ly += 18
    for name, x, y in markers:
        o.append(f'<path d="M{X(x) - 5:.1f},{Y(y) - 5:.1f} L{X(x) + 5:.1f},{Y(y) + 5:.1f} '
                 f'M{X(x) - 5:.1f},{Y(y) + 5:.1f} L{X(x) + 5:.1f},{Y(y) - 5:.1f}" stroke="black" stroke-width="2"/>')
        o.append(f'<text x="{X(x) + 7:.1f}" y="{Y(y) + 4:.1f}" font-size="10">{escape(name)}</text>')
    if note:
        o.append(f'<text x="{ML}" y="{H - 4}" font-size="10" fill="#555">{escape(note)}</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"


def series_key(r):
    n = r.get("instances", 1)
    return f'{r.get("engine", "?")}, {n} instance{"s" if n != 1 else ""}'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "docs", "charts"))
    a = ap.parse_args()
    every = load(a.files)
    rows = [r for r in every if r.get("tag") == "sweep"]
    os.makedirs(a.out, exist_ok=True)
    written = []

    # Throughput against clients.
    groups = {}
    for r in rows:
        if r.get("scenario") == "holds" and r.get("viewers", 0) == 0:
            label = f'p99 {r["latency_p99_ms"]:g} ms'
            groups.setdefault(series_key(r), []).append((r["clients"], r["requests_per_s"], label))
    svg = groups and chart("holds: lock/unlock requests per second", "clients (keep-alive, one user each)",
                "requests / s", [(k, v, False, i) for i, (k, v) in enumerate(sorted(groups.items()))],
                markers=[("FastAPI original (50 clients)", 50, 530), ("target (50 clients)", 50, 30000)],
                note="2 cores, client and server on the same machine; labels: p99 latency")
    if svg:
        written.append(os.path.join(a.out, "holds-throughput.svg"))
        open(written[-1], "w", encoding="utf-8").write(svg)

    # Latency against viewers.
    groups = {}
    for r in rows:
        if r.get("scenario") == "fanout":
            k = series_key(r)
            groups.setdefault(k, {"p99": [], "p50": []})
            groups[k]["p99"].append((r["viewers"], max(r["latency_p99_ms"], 0.01), None))
            groups[k]["p50"].append((r["viewers"], max(r["latency_p50_ms"], 0.01), None))
    lines = []
    for i, (k, v) in enumerate(sorted(groups.items())):
        lines.append((k + " p99", v["p99"], False, i))
        lines.append((k + " p50", v["p50"], True, i))
    svg = lines and chart("fanout: seat event to viewer latency (20 events/s)", "viewers",
                "latency, ms (log)", lines,
                markers=[("FastAPI p99 (5k viewers, ~5 ev/s)", 5000, 110), ("target p99 (5k)", 5000, 5),
                         ("target p99 (19k)", 19000, 20)],
                logx=True, logy=True,
                note="2 cores, client and server on the same machine; solid p99, dashed p50")
    if svg:
        written.append(os.path.join(a.out, "fanout-latency.svg"))
        open(written[-1], "w", encoding="utf-8").write(svg)
    # Abuse: honest p99 per second through the three phases, one line per run (by tag).
    runs = {}
    for r in every:
        if r.get("scenario") == "abuse" and r.get("timeline_p99_ms"):
            runs[r.get("tag") or series_key(r)] = r
    if runs:
        lines = []
        for i, (k, r) in enumerate(sorted(runs.items())):
            pts = [(sec + 0.5, max(p99, 0.01), None) for sec, p99 in r["timeline_p99_ms"]]
            lines.append((f"{k} honest p99", pts, False, i))
        q, f, _ = next(iter(runs.values()))["phases_s"]
        svg = chart("abuse: honest requests' p99 per second", "seconds since the start",
                    "p99, ms (log)", lines, logy=True,
                    note=f"quiet 0-{q:g} s, flood {q:g}-{q + f:g} s, then after; 2 shared cores")
        if svg:
            written.append(os.path.join(a.out, "abuse-latency.svg"))
            open(written[-1], "w", encoding="utf-8").write(svg)

    # Soak: RSS and fds against time (the last soak run).
    soaks = [r for r in every if r.get("scenario") == "soak" and r.get("samples")]
    if soaks:
        r = soaks[-1]
        rss = [(t, kib / 1024, None) for t, kib, fds, *_ in r["samples"] if kib >= 0]
        fds = [(t, fds, None) for t, kib, fds, *_ in r["samples"] if fds >= 0]
        d = r.get("duration_s", 0)
        svg = chart("soak: server RSS and open fds", "seconds since the start", "MiB / count",
                    [("RSS, MiB", rss, False, 0), ("open fds", fds, True, 1)],
                    note=f"thirds at {d / 3:.0f} s and {2 * d / 3:.0f} s; flat = last third's mean within "
                         f"tolerance of the middle third's")
        if svg:
            written.append(os.path.join(a.out, "soak-memory.svg"))
            open(written[-1], "w", encoding="utf-8").write(svg)
    for w in written:
        print(os.path.normpath(w))
    if not written:
        print("charts.py: no sweep, abuse or soak results found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
