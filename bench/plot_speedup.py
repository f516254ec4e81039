#!/usr/bin/env python3
"""Plots tsparse's speedup over the faster of OpenBLAS and oneDNN against
sparsity, as SVG.

Usage: plot_speedup.py <results.json> <out.svg>

One line per (layer, M) for the TW-2D runs, the BW runs as separate marks,
and the ideal 1 / (1 - s) as a dashed line. Standard library only.
"""

import json
import sys

WIDTH, HEIGHT = 640, 420
LEFT, RIGHT, TOP, BOTTOM = 60, 190, 30, 50
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def main():
    results = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    speedup = lambda r: (min(r["openblas_ms"], r.get("onednn_ms", r["openblas_ms"]))
                         / r["tsparse_ms"])
    max_y = max([speedup(r) for r in results] + [10.0]) * 1.1
    x_of = lambda s: LEFT + (s - 0.4) / 0.55 * (WIDTH - LEFT - RIGHT)
    y_of = lambda v: HEIGHT - BOTTOM - v / max_y * (HEIGHT - TOP - BOTTOM)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (WIDTH, HEIGHT),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="14">tsparse speedup over the best dense BLAS '
           'sgemm (1 thread)</text>' % LEFT]
    # Axes, grid and labels.
    for tick in range(0, int(max_y) + 1, 2 if max_y > 10 else 1):
        y = y_of(tick)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                   % (LEFT, y, WIDTH - RIGHT, y))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%dx</text>'
                   % (LEFT - 6, y + 4, tick))
    for s in (0.5, 0.75, 0.9):
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%.2f</text>'
                   % (x_of(s), HEIGHT - BOTTOM + 18, s))
    out.append('<text x="%d" y="%d" text-anchor="middle">sparsity</text>'
               % ((LEFT + WIDTH - RIGHT) // 2, HEIGHT - 12))
    out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"/>'
               % (LEFT, y_of(1.0), WIDTH - RIGHT, y_of(1.0)))
    # Ideal speedup.
    ideal = " ".join("%.1f,%.1f" % (x_of(s / 100.0), y_of(min(max_y, 100.0 / (100 - s))))
                     for s in range(45, 93))
    out.append('<polyline points="%s" fill="none" stroke="gray" '
               'stroke-dasharray="5,4"/>' % ideal)
    legend = [("ideal 1/(1-s)", "gray")]
    series = {}
    for r in results:
        # Unpruned rows are the dense reference, not a point of the curve.
        if r["pattern"] == "tw2d" and r["sparsity"] > 0:
            series.setdefault("%dx%d M=%d" % (r["k"], r["n"], r["m"]), []).append(r)
    for i, (label, rows) in enumerate(sorted(series.items())):
        color = COLORS[i % len(COLORS)]
        rows.sort(key=lambda r: r["sparsity"])
        points = " ".join("%.1f,%.1f" % (x_of(r["sparsity"]), y_of(speedup(r)))
                          for r in rows)
        out.append('<polyline points="%s" fill="none" stroke="%s" '
                   'stroke-width="2"/>' % (points, color))
        for r in rows:
            out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>'
                       % (x_of(r["sparsity"]), y_of(speedup(r)), color))
        legend.append(("TW-2D " + label, color))
    for r in results:
        if r["pattern"] == "bw":
            out.append('<rect x="%.1f" y="%.1f" width="7" height="7" fill="none" '
                       'stroke="black"/>' % (x_of(r["sparsity"]) - 3.5,
                                             y_of(speedup(r)) - 3.5))
    legend.append(("BW 32x128 (squares)", "black"))
    for i, (label, color) in enumerate(legend):
        y = TOP + 10 + 18 * i
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                   'stroke-width="2"/>' % (WIDTH - RIGHT + 10, y,
                                           WIDTH - RIGHT + 30, y, color))
        out.append('<text x="%d" y="%d">%s</text>' % (WIDTH - RIGHT + 35, y + 4,
                                                      label))
    out.append("</svg>")
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
