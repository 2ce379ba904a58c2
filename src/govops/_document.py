"""A document as offices circulate it: a title, paragraphs, headings, notes, lists and tables.

Bulletins (通报) and circulars build one :class:`Document` in one language and every output is read
from it: Markdown here, Word and Excel in :mod:`govops.office`. So the three never disagree on a
figure or a word. Everything in it is text or a plain value, in the language the document was
built in (``lang``); text the users recorded (unit names, task titles, issue descriptions) is kept
as they wrote it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal, TypeAlias, final

import attrs

from ._checks import instance_of
from .exceptions import InvalidInputError

__all__ = [
    "Block",
    "Document",
    "Heading",
    "Items",
    "Lang",
    "Note",
    "Paragraph",
    "Table",
    "check_lang",
    "format_day",
]

Lang: TypeAlias = Literal["zh", "en"]

_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def check_lang(lang: object) -> Lang:
    """``lang`` if it is ``"zh"`` or ``"en"``; an :class:`InvalidInputError` naming it otherwise."""
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    raise InvalidInputError(f"lang={lang!r}; expected 'zh' or 'en'")


def format_day(day: dt.date, lang: Lang) -> str:
    """A day as a document writes it: ``2026年10月9日`` (Arabic numerals, as official documents
    date themselves since GB/T 9704-2012) or ``9 October 2026``.

    >>> format_day(dt.date(2026, 10, 9), "zh"), format_day(dt.date(2026, 10, 9), "en")
    ('2026年10月9日', '9 October 2026')
    """
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def _cell(value: object) -> str:
    """A value as a Markdown table cell: pipes escaped, line breaks flattened."""
    if isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = f"{value:.10g}"
    else:
        text = str(value)
    return " ".join(text.replace("|", "\\|").split())


def _rows(value: Iterable[Iterable[object]]) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(row) for row in value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _columns(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


@final
@attrs.frozen
class Heading:
    """A section heading; ``level`` 2 under the title, 3 below that."""

    text: str
    level: int = 2


@final
@attrs.frozen
class Paragraph:
    """A paragraph of running text."""

    text: str


@final
@attrs.frozen
class Note:
    """A line set apart from the text (Markdown ``>``): a caveat, a change the reader must know."""

    text: str


@final
@attrs.frozen
class Items:
    """A list of lines."""

    lines: tuple[str, ...] = attrs.field(converter=_strings)


@final
@attrs.frozen
class Table:
    """A table: ``name`` (its caption, and the sheet it becomes in a workbook), a header and rows
    of plain values (str, int, float, date). Columns named in ``numeric`` are right-aligned."""

    name: str
    header: tuple[str, ...] = attrs.field(converter=_strings)
    rows: tuple[tuple[object, ...], ...] = attrs.field(converter=_rows)
    numeric: frozenset[int] = attrs.field(default=frozenset(), kw_only=True, converter=_columns)

    def __attrs_post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise InvalidInputError(
                    f"table {self.name!r} row {i} has {len(row)} cells; expected "
                    f"{len(self.header)} ({', '.join(self.header)})"
                )

    def to_markdown(self) -> list[str]:
        """The table as Markdown lines."""
        align = ["---:" if i in self.numeric else "---" for i in range(len(self.header))]
        lines = [f"| {' | '.join(self.header)} |", f"|{'|'.join(align)}|"]
        lines += [f"| {' | '.join(_cell(v) for v in row)} |" for row in self.rows]
        return lines


Block: TypeAlias = "Heading | Paragraph | Note | Items | Table"


def _blocks(value: Iterable[Block]) -> tuple[Block, ...]:
    return tuple(value)


@final
@attrs.frozen
class Document:
    """A document in one language: a title, the day it speaks as of, and its blocks in order.

    >>> doc = Document("Bulletin", lang="en", date=dt.date(2026, 10, 9), blocks=(
    ...     Paragraph("Two units."), Table("scores", ("unit", "score"), [("roads", 100.25)], numeric={1})))
    >>> print(doc.to_markdown())
    # Bulletin
    <BLANKLINE>
    Two units.
    <BLANKLINE>
    | unit | score |
    |---|---:|
    | roads | 100.25 |
    """

    title: str
    lang: Lang = attrs.field(kw_only=True, converter=check_lang)
    date: dt.date = attrs.field(kw_only=True, validator=instance_of(dt.date))
    blocks: tuple[Block, ...] = attrs.field(kw_only=True, converter=_blocks)

    @property
    def tables(self) -> tuple[Table, ...]:
        """The document's tables, in order."""
        return tuple(b for b in self.blocks if isinstance(b, Table))

    def to_markdown(self) -> str:
        """The document as Markdown: ``#`` title, blank lines between blocks."""
        lines = [f"# {self.title}"]
        for block in self.blocks:
            lines.append("")
            if isinstance(block, Heading):
                lines.append(f"{'#' * block.level} {block.text}")
            elif isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Note):
                lines.append(f"> {block.text}")
            elif isinstance(block, Items):
                lines += [f"- {line}" for line in block.lines]
            else:
                lines += block.to_markdown()
        return "\n".join(lines) + "\n"
