#!/usr/bin/env python3
"""Draws the unit masks of a --tsparse-report as SVG (or PNG).

usage: render_mask.py REPORT [-o OUT.svg|OUT.png] [--matmul I]

One panel per matmul that has a mask (or only matmul I, counted from 0 in
the report's order). A panel shows the column tiles side by side, each as
wide as its columns, with the K rows running down: a dark bar is a kept row
segment (a unit of `unit_k` rows), white was pruned. For a compacted (TW-2D)
layout a strip above the tiles shows which of the original columns survive;
the tiles are then tiles of the surviving columns. The caption repeats the
numbers of the report (SVG only: the PNG has no text). Python standard
library only.
"""

import argparse
import json
import struct
import sys
import zlib
from xml.sax.saxutils import escape

PANEL_WIDTH = 720.0
MAX_PANEL_HEIGHT = 480.0
STRIP_HEIGHT = 14.0
CAPTION_HEIGHT = 36.0
MARGIN = 12.0
TILE_GAP = 2.0
KEPT = "#1f4e79"
COLUMNS = "#c55a11"
FRAME = "#bfbfbf"


def runs(bits):
    """Yields (start, length) of the runs of '1' in a string of '0'/'1'."""
    start = None
    for i, bit in enumerate(bits + "0"):
        if bit == "1" and start is None:
            start = i
        elif bit != "1" and start is not None:
            yield start, i - start
            start = None


def rect(x, y, w, h, fill, stroke=None):
    return ("rect", x, y, w, h, fill, stroke)


def text(x, y, size, fill, string):
    return ("text", x, y, size, fill, string)


LEGEND_HEIGHT = 24.0


def legend():
    """The key to the colours, above the panels."""
    y = MARGIN
    parts = []
    x = MARGIN
    for color, stroke, label in [
            (KEPT, None, "kept row segment (stored, multiplied)"),
            ("#ffffff", FRAME, "pruned (never loaded)"),
            (COLUMNS, None, "kept column (TW-2D column mask)")]:
        parts.append(rect(x, y, 12, 12, color, stroke))
        parts.append(text(x + 16, y + 10, 11, "black", label))
        x += 18 + 6.2 * len(label) + 14
    parts.append(text(MARGIN, y + 22, 10, "#555555",
                      "each panel: column tiles side by side, K downwards"))
    return parts


def panel(matmul, top):
    """Returns the SVG elements of one matmul's panel and its height."""
    mask = matmul["mask"]
    k, n = matmul["k"], matmul["n"]
    tile_n, unit_k = mask["tile_n"], mask["unit_k"]
    tiles = mask["tiles"]
    columns = mask.get("columns")
    tiled = columns.count("1") if columns is not None else n
    widths = [min(tile_n, tiled - t * tile_n) for t in range(len(tiles))]

    parts = []
    caption = ("%s  %s  K=%d N=%d  %s" % (matmul["function"], matmul["op"], k,
                                         n, matmul["layout"]))
    numbers = ("%s, sparsity %.3f, %d tiles, kept rows per tile %d / %.1f / "
               "%d, %.1f%% of multiply-adds skipped"
               % (matmul["pattern"], matmul["sparsity"], matmul["tiles"],
                  matmul["kept_rows_per_tile"]["min"],
                  matmul["kept_rows_per_tile"]["mean"],
                  matmul["kept_rows_per_tile"]["max"],
                  100.0 * matmul["macs_skipped"]))
    parts.append(text(MARGIN, top + 14, 12, "black", caption))
    parts.append(text(MARGIN, top + 29, 11, "#555555", numbers))
    y = top + CAPTION_HEIGHT

    if columns is not None:
        column_scale = PANEL_WIDTH / max(n, 1)
        parts.append(rect(MARGIN, y, PANEL_WIDTH, STRIP_HEIGHT, "#ffffff",
                          FRAME))
        for start, length in runs(columns):
            parts.append(rect(MARGIN + start * column_scale, y,
                              length * column_scale, STRIP_HEIGHT, COLUMNS))
        y += STRIP_HEIGHT + 6

    height = min(MAX_PANEL_HEIGHT, max(k, 40))
    row_scale = height / max(k, 1)
    gaps = TILE_GAP * max(len(tiles) - 1, 0)
    column_scale = (PANEL_WIDTH - gaps) / max(sum(widths), 1)
    x = MARGIN
    for units, width in zip(tiles, widths):
        w = width * column_scale
        parts.append(rect(x, y, w, height, "#ffffff", FRAME))
        for start, length in runs(units):
            parts.append(rect(x, y + start * unit_k * row_scale, w,
                              length * unit_k * row_scale, KEPT))
        x += w + TILE_GAP
    return parts, y + height + MARGIN - top


def to_svg(shapes, width, height):
    lines = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="sans-serif">'
             % (width, height, width, height)]
    for shape in shapes:
        if shape[0] == "rect":
            _, x, y, w, h, fill, stroke = shape
            lines.append('<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" '
                         'fill="%s"%s/>' % (x, y, w, h, fill,
                                            ' stroke="%s"' % stroke
                                            if stroke else ""))
        else:
            _, x, y, size, fill, string = shape
            lines.append('<text x="%.2f" y="%.2f" font-size="%d" fill="%s">'
                         '%s</text>' % (x, y, size, fill, escape(string)))
    return "\n".join(lines + ["</svg>"]) + "\n"


def to_png(shapes, width, height):
    """Rasterizes the rectangles (text is left out) into an RGB PNG. Rows
    partly covered by a rectangle are blended, so that masks taller than the
    picture come out as shades rather than solid."""
    pixels = [bytearray(b"\xff" * (3 * width)) for _ in range(height)]

    def fill(x0, y0, x1, y1, color):
        x0 = max(0, int(round(x0)))
        x1 = min(width, max(int(round(x1)), x0 + 1))
        for r in range(max(0, int(y0)), min(height, int(y1) + 1)):
            cover = min(y1, r + 1) - max(y0, r)
            if cover <= 0:
                continue
            row = pixels[r]
            for i in range(3 * x0, 3 * x1):
                row[i] = int(round(row[i] * (1 - cover) + color[i % 3] * cover))

    for shape in shapes:
        if shape[0] != "rect":
            continue
        _, x, y, w, h, color, stroke = shape
        fill(x, y, x + w, y + h, bytes.fromhex(color.lstrip("#")))
        if stroke:
            edge = bytes.fromhex(stroke.lstrip("#"))
            fill(x, y, x + w, y + 1, edge)
            fill(x, y + h - 1, x + w, y + h, edge)
            fill(x, y, x + 1, y + h, edge)
            fill(x + w - 1, y, x + w, y + h, edge)
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))

    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report")
    parser.add_argument("-o", "--output", default="-",
                        help="SVG file to write ('-' for stdout, the default)")
    parser.add_argument("--matmul", type=int,
                        help="draw only this matmul of the report")
    args = parser.parse_args()

    with open(args.report) as f:
        matmuls = json.load(f)["matmuls"]
    if args.matmul is not None:
        matmuls = matmuls[args.matmul:args.matmul + 1]
    matmuls = [m for m in matmuls if "mask" in m]
    if not matmuls:
        sys.exit("render_mask.py: no matmul with a mask in the report")

    shapes, top = legend(), MARGIN + LEGEND_HEIGHT
    for matmul in matmuls:
        parts, height = panel(matmul, top)
        shapes.extend(parts)
        top += height
    width = PANEL_WIDTH + 2 * MARGIN
    shapes.insert(0, rect(0, 0, width, top, "#ffffff"))
    if args.output.endswith(".png"):
        with open(args.output, "wb") as out:
            out.write(to_png(shapes, int(width), int(top)))
        return
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    with out:
        out.write(to_svg(shapes, width, top))


if __name__ == "__main__":
    main()
