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

__all__ = ["FAMILY", "cjk_family", "use_cjk_font"]

FAMILY = "Govops Sans SC"
"""The family name of the shipped font."""


@functools.cache
def cjk_family() -> str:
    """Register the shipped CJK font with matplotlib (once) and return its family name."""
    font = resources.files("govops.plots") / "fonts" / "GovopsSansSC-Regular.ttf"
    with resources.as_file(font) as path:
        font_manager.fontManager.addfont(str(path))
    return FAMILY


def use_cjk_font() -> str:
    """Make matplotlib draw Chinese in your own charts: register the shipped font and put it first
    in the sans-serif list (``rcParams``), the font matplotlib draws with unless told otherwise.

    Call it once, before drawing (in a notebook, in the first cell). It changes matplotlib's global
    settings, which is why govops's own charts never call it: they name the font on their texts.
    Other sans-serif fonts stay behind it, for the characters it lacks; the minus sign is drawn as
    a hyphen, which every font has. Returns the family name.

    >>> import io
    >>> from matplotlib.figure import Figure
    >>> from govops.plots import use_cjk_font
    >>> use_cjk_font()
    'Govops Sans SC'
    >>> fig = Figure()
    >>> _ = fig.subplots().set_title("各单位按时完成率")
    >>> fig.savefig(io.BytesIO(), format="png")   # no "Glyph missing" warning
    """
    import matplotlib

    family = cjk_family()
    rc = matplotlib.rcParams
    rc["font.sans-serif"] = [family, *(f for f in rc["font.sans-serif"] if f != family)]
    rc["font.family"] = ["sans-serif"]
    rc["axes.unicode_minus"] = False
    return family
