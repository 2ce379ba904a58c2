"""Build the CJK font shipped with govops.plots (a maintainer's script; govops never imports it).

matplotlib cannot choose the weight of a variable font, and the Noto Sans CJK variable collection
renders at its default instance (Thin). This script takes the Simplified Chinese face of
``NotoSansCJK-VF.otf.ttc`` (from the ``manimgx-fonts-cjk`` wheel; SIL Open Font License 1.1),
keeps the glyphs of ASCII, common symbols, CJK punctuation, full-width forms and the 6,763 hanzi of
GB 2312, pins the weight at Regular (400), converts the outlines to TrueType (the FreeType of older
matplotlib wheels cannot read a static CFF2 font), renames the family "Govops Sans SC" (the OFL
reserves the original name for unmodified fonts) and writes
``src/govops/plots/fonts/GovopsSansSC-Regular.ttf``. It takes a few minutes.

Run: ``pip install manimgx-fonts-cjk fonttools`` then ``python docs/_static/gallery/build_font.py``.
"""

from __future__ import annotations

import pathlib
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[3]
TARGET = ROOT / "src" / "govops" / "plots" / "fonts" / "GovopsSansSC-Regular.ttf"


def characters() -> str:
    """The characters kept: ASCII, common symbols, CJK punctuation, full-width forms, GB 2312."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= set("·—–‘’“”…‰℃←→↑↓■□▲△○●★☆×÷±≤≥≠∞√%€¥")
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK symbols and punctuation
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    for c in range(0x4E00, 0xA000):
        ch = chr(c)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        chars.add(ch)
    return "".join(sorted(chars))


def to_truetype(font: object, max_err: float = 1.0) -> None:
    """Replace the cubic CFF2 outlines of ``font`` by quadratic TrueType ones (fontTools' otf2ttf)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    f: Any = font
    order = f.getGlyphOrder()
    glyph_set = f.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf[name] = pen.glyph()
    f["loca"] = newTable("loca")
    f["glyf"] = glyf
    for tag in ("CFF2", "CFF ", "VORG", "STAT"):
        if tag in f:
            del f[tag]
    f["head"].glyphDataFormat = 0
    maxp = f["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    post = f["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    f.sfntVersion = "\x00\x01\x00\x00"


def main() -> None:
    import manimgx_fonts_cjk
    from fontTools import subset
    from fontTools.ttLib import TTCollection
    from fontTools.varLib import instancer

    source = pathlib.Path(manimgx_fonts_cjk.__file__).parent / "NotoSansCJK-VF.otf.ttc"
    collection = TTCollection(str(source))
    face = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    # Subsetting first makes the instancing minutes faster (7,000 glyphs instead of 65,000).
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(face)
    static = instancer.instantiateVariableFont(face, {"wght": 400})
    for record in static["name"].names:
        if record.nameID in (1, 16):
            record.string = "Govops Sans SC"
        elif record.nameID in (2, 17):
            record.string = "Regular"
        elif record.nameID == 4:
            record.string = "Govops Sans SC Regular"
        elif record.nameID == 6:
            record.string = "GovopsSansSC-Regular"
    to_truetype(static)
    static.save(str(TARGET))
    sys.stdout.write(f"wrote {TARGET} ({TARGET.stat().st_size // 1024} KiB)\n")


if __name__ == "__main__":
    main()
