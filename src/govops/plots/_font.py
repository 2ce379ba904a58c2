"""The CJK font the plots draw with.

matplotlib ships no font with Chinese glyphs, and a machine may have none, so govops ships one:
``fonts/GovopsSansSC-Regular.ttf``, a static Regular instance of Noto Sans CJK SC (SIL Open Font
License 1.1, ``fonts/OFL.txt``) cut down to ASCII, CJK punctuation, full-width forms and the 6,763
hanzi of GB 2312 (see ``docs/_static/gallery/build_font.py``). It is registered with matplotlib
on first use, like the rule grammar, which is package data loaded the same way.
"""

from __future__ import annotations

import functools
from importlib import resources

from matplotlib import font_manager

__all__ = ["FAMILY", "cjk_family"]

FAMILY = "Govops Sans SC"
"""The family name of the shipped font."""


@functools.cache
def cjk_family() -> str:
    """Register the shipped CJK font with matplotlib (once) and return its family name."""
    font = resources.files("govops.plots") / "fonts" / "GovopsSansSC-Regular.ttf"
    with resources.as_file(font) as path:
        font_manager.fontManager.addfont(str(path))
    return FAMILY
