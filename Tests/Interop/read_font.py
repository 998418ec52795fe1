#!/usr/bin/env python3
"""Reads a TrueType file with fontTools, an independent parser, as a PDF reader would read an embedded subset.

usage: read_font.py FONT.ttf
Checks every table's checksum (a mismatch raises), decodes every glyph's outline, and prints the number of glyphs,
then one line a glyph: its number of points and its advance width. Exits 1 on anything it cannot read.
"""
import sys

from fontTools.ttLib import TTFont


def main():
    try:
        font = TTFont(sys.argv[1], checkChecksums=2, lazy=False)
        glyf = font["glyf"]
        order = font.getGlyphOrder()
        print(len(order))
        for name in order:
            glyph = glyf[name]
            coordinates, _, _ = glyph.getCoordinates(glyf)
            print(len(coordinates), font["hmtx"][name][0])
    except Exception as error:  # any failure to read is the finding
        print(f"unreadable: {error!r}")
        sys.exit(1)


if __name__ == "__main__":
    main()
