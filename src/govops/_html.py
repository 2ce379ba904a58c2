"""Small HTML pieces for the ``_repr_html_`` of govops values (Jupyter shows them without any
``%load_ext``). Every piece of text goes through :func:`html.escape`: names, reasons and rule
text come from users and documents.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["esc", "fields", "table"]


def esc(value: object) -> str:
    """``str(value)`` escaped for HTML (``None`` shows as an empty cell)."""
    return "" if value is None else html.escape(str(value))


def fields(caption: str, rows: Iterable[tuple[str, object]]) -> str:
    """A two-column table of ``(name, value)`` rows under ``caption``.

    >>> fields("a <b>", [("x", "1 < 2")])
    "<table><caption>a &lt;b&gt;</caption><tr><th style='text-align:left'>x</th><td>1 &lt; 2</td></tr></table>"
    """
    body = "".join(
        f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows
    )
    return f"<table><caption>{esc(caption)}</caption>{body}</table>"


def table(caption: str, head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A table with a header row; each cell escaped."""
    top = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><caption>{esc(caption)}</caption><tr>{top}</tr>{body}</table>"
