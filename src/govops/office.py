"""Office documents: bulletins and circulars as Word files, tables as Excel workbooks.

Needs the ``office`` extra (``pip install 'govops[office]'``: python-docx and openpyxl).

:func:`to_docx` lays a bulletin (通报), a monthly circular or any :class:`Document` out as offices
circulate them, after the national format for official documents (GB/T 9704-2012) where a
bulletin can follow it: the issuing office in red over its document number (文号) and a red rule,
the title centred, the text in 仿宋 at 三号 (16 pt) with two characters of indent, headings in
黑体, tables with a header row, and the date written out in Chinese (``2026年10月9日``) under the
issuer at the end. :func:`to_xlsx` writes every table of a bulletin or circular (one sheet each),
a :class:`Table`, a :class:`govops.scenarios.Table` or a pandas ``DataFrame`` (such as
:func:`govops.pandas.task_frame`) to a workbook: a title row, a bold header, real dates and
numbers, the header frozen.

Both return the file's bytes, so the caller decides where they go (a response body, a file)::

    from pathlib import Path
    from govops.office import to_docx
    Path("通报.docx").write_bytes(to_docx(bulletin, issuer="××市人民政府督查室",
                                          number="督通〔2026〕3号"))

Everything in a document is in one language: ``lang=`` chooses it for a bulletin or a circular.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import math
import unicodedata
from typing import Any

from ._document import (
    Document,
    Heading,
    Items,
    Lang,
    Note,
    Paragraph,
    Table,
    check_lang,
    format_day,
)
from .exceptions import InvalidTypeError

__all__ = [
    "Document",
    "Heading",
    "Items",
    "Note",
    "Paragraph",
    "Table",
    "to_docx",
    "to_xlsx",
]

# Fonts of GB/T 9704-2012: 小标宋 for the issuer and the title, 仿宋 for the text, 黑体 for the
# first level of headings, 楷体 for the second. Word falls back to a font it has when one is missing.
_TITLE_FONT = "方正小标宋简体"
_BODY_FONT = "仿宋_GB2312"
_HEADING_FONT = "黑体"
_NOTE_FONT = "楷体_GB2312"
_LATIN_FONT = "Times New Roman"
_RED = "FF0000"


def _optional_import(module: str, *, extra: str, purpose: str) -> Any:
    """Import a module of the office extra, or raise an ``ImportError`` that says how to get it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{purpose} needs the optional package {module.split('.')[0]!r}: "
            f"pip install 'govops[{extra}]'"
        ) from exc


def _document(value: object, lang: str) -> Document:
    lang = check_lang(lang)
    if isinstance(value, Document):
        return value
    to_document = getattr(value, "to_document", None)
    if callable(to_document):
        doc = to_document(lang)
        if isinstance(doc, Document):
            return doc
    raise InvalidTypeError(
        f"{type(value).__name__} value {value!r:.80}; expected a Bulletin, a Circular or a "
        "govops.office.Document"
    )


def to_docx(
    value: object,
    *,
    lang: Lang = "zh",
    issuer: str | None = None,
    number: str | None = None,
    signed_on: dt.date | None = None,
) -> bytes:
    """A Word document (``.docx``) of a bulletin, a circular or a :class:`Document`.

    ``issuer`` is the issuing office (发文机关, printed in red at the head and again over the date),
    ``number`` its document number (文号, e.g. ``督通〔2026〕3号``); ``signed_on`` the date at the
    end (成文日期), by default the day the document speaks as of. ``lang`` chooses the language of
    a bulletin or a circular (a :class:`Document` has its own).
    """
    docx = _optional_import("docx", extra="office", purpose="Word export")
    shared = _optional_import("docx.shared", extra="office", purpose="Word export")
    enum_text = _optional_import("docx.enum.text", extra="office", purpose="Word export")
    doc = _document(value, lang)
    zh = doc.lang == "zh"
    centre = enum_text.WD_ALIGN_PARAGRAPH.CENTER
    out = docx.Document()
    section = out.sections[0]
    section.page_width, section.page_height = shared.Mm(210), shared.Mm(297)
    section.top_margin, section.bottom_margin = shared.Mm(37), shared.Mm(35)
    section.left_margin, section.right_margin = shared.Mm(28), shared.Mm(26)
    body_size = 16 if zh else 12

    def para(text: str, font: str, size: float, **style: Any) -> Any:
        p = out.add_paragraph()
        p.paragraph_format.space_after = shared.Pt(0 if zh else 6)
        if style.get("align") is not None:
            p.alignment = style["align"]
        if style.get("indent"):
            p.paragraph_format.first_line_indent = shared.Pt(size * 2)
        run = p.add_run(text)
        run.font.size = shared.Pt(size)
        run.font.bold = style.get("bold", False)
        run.font.name = _LATIN_FONT
        if style.get("red"):
            run.font.color.rgb = shared.RGBColor.from_string(_RED)
        _east_asian(run, font)
        return p

    if issuer:
        para(issuer, _TITLE_FONT, 26 if zh else 18, align=centre, red=True, bold=not zh)
    if number:
        para(number, _BODY_FONT, body_size, align=centre)
    if issuer or number:
        _red_rule(out.add_paragraph())
    para(doc.title, _TITLE_FONT, 22 if zh else 16, align=centre, bold=not zh)
    out.add_paragraph()
    for block in doc.blocks:
        if isinstance(block, Heading):
            font = _HEADING_FONT if block.level <= 2 else _NOTE_FONT
            para(block.text, font, body_size, bold=True)
        elif isinstance(block, Paragraph):
            para(block.text, _BODY_FONT, body_size, indent=zh)
        elif isinstance(block, Note):
            para(block.text, _NOTE_FONT, body_size, indent=zh)
        elif isinstance(block, Items):
            for line in block.lines:
                p = para(line, _BODY_FONT, body_size - 2)
                p.paragraph_format.left_indent = shared.Pt(body_size)
        else:
            width = section.page_width - section.left_margin - section.right_margin
            # 小五 (9 pt): a table of a bulletin has many columns.
            _docx_table(out, block, shared, centre, size=9 if zh else 8, width=width)
    out.add_paragraph()
    right = enum_text.WD_ALIGN_PARAGRAPH.RIGHT
    if issuer:
        para(issuer, _BODY_FONT, body_size, align=right)
    para(format_day(signed_on or doc.date, doc.lang), _BODY_FONT, body_size, align=right)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _east_asian(run: Any, font: str) -> None:
    """Set the font of the run's Chinese characters (python-docx sets only the Latin one)."""
    ns = _optional_import("docx.oxml.ns", extra="office", purpose="Word export")
    rpr = run._element.get_or_add_rPr()  # python-docx has no API for w:eastAsia
    fonts = rpr.get_or_add_rFonts()
    fonts.set(ns.qn("w:eastAsia"), font)


def _red_rule(paragraph: Any) -> None:
    """A red line under the document number (版头中的分隔线), as a bottom border."""
    oxml = _optional_import("docx.oxml", extra="office", purpose="Word export")
    ns = _optional_import("docx.oxml.ns", extra="office", purpose="Word export")
    ppr = paragraph._p.get_or_add_pPr()  # nor for paragraph borders
    border = oxml.OxmlElement("w:pBdr")
    bottom = oxml.OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", _RED)):
        bottom.set(ns.qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _column_widths(table: Table, width: int, size: float) -> list[int]:
    """Column widths (EMU) sharing ``width``: a figure, a date or a word never breaks (each
    column keeps room for its longest one); when the table is too wide for the page, the columns
    of running text wrap. Widths are counted in half-width characters of ``size`` points (a
    Chinese character is two, a cell's margins about two, a bold header word one more)."""

    def unbreakable(value: object) -> int:
        text = _text(value)
        if any(_width(ch) == 2 for ch in text):
            return min(8, _width(text))  # Chinese text may break, but not to one character a line
        return max((_width(word) for word in text.split()), default=0)

    floor = [
        2 + max(2, *(_width(w) + 1 for w in name.split()), *(unbreakable(r[c]) for r in table.rows))
        for c, name in enumerate(table.header)
    ]
    wants = [
        max(f, 2 + min(30, max((_width(r[c]) for r in table.rows), default=0)))
        for c, f in enumerate(floor)
    ]
    capacity = width / 12700 / (size * 0.6)  # EMU to points; a half-width glyph ≈ 0.6 em
    excess, slack = sum(wants) - capacity, sum(wants) - sum(floor)
    ratio = 1.0 if excess <= 0 or not slack else max(0.0, 1 - excess / slack)
    units = [f + (w - f) * ratio for f, w in zip(floor, wants, strict=True)]
    return [int(width * u / sum(units)) for u in units]


def _docx_table(
    out: Any, table: Table, shared: Any, centre: Any, *, size: float, width: int
) -> None:
    grid = out.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.autofit = False
    widths = _column_widths(table, width, size)
    for column, w in zip(grid.columns, widths, strict=True):
        column.width = w  # the grid, which LibreOffice reads; Word reads the cells
    for r, row in enumerate((table.header, *table.rows)):
        for c, value in enumerate(row):
            cell = grid.cell(r, c)
            cell.width = widths[c]
            cell.text = ""
            run = cell.paragraphs[0].add_run(_text(value))
            run.font.size = shared.Pt(size)
            run.font.bold = r == 0
            run.font.name = _LATIN_FONT
            _east_asian(run, _HEADING_FONT if r == 0 else _BODY_FONT)
            if r == 0 or c in table.numeric:
                cell.paragraphs[0].alignment = centre
    out.add_paragraph()


# -- Excel ---------------------------------------------------------------------------------------

_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _tables(value: object, lang: str) -> tuple[str, list[Table]]:
    """The title and the tables of what ``to_xlsx`` was given."""
    if isinstance(value, Table):
        return value.name, [value]
    columns = getattr(value, "columns", None)
    rows = getattr(value, "rows", None)
    name = getattr(value, "name", None)
    if isinstance(name, str) and isinstance(columns, tuple) and isinstance(rows, tuple):
        return name, [Table(name, columns, rows)]  # a govops.scenarios.Table
    if type(value).__name__ == "DataFrame" and hasattr(value, "itertuples"):
        return "table", [_frame_table(value)]
    doc = _document(value, lang)
    return doc.title, list(doc.tables)


def _frame_table(frame: Any) -> Table:
    """A pandas DataFrame as a Table of plain values: missing values empty, timestamps as local
    wall-clock times (a workbook has no time zones), midnight days as dates."""
    header = tuple(str(c) for c in frame.columns)
    rows = [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False, name=None)]
    return Table("table", header, rows)


def _plain(value: Any) -> object:
    if value is None:
        return ""
    try:
        if value != value:  # NaN, NaT, pd.NA raise or compare unequal
            return ""
    except (TypeError, ValueError):
        return ""
    to_py = getattr(value, "to_pydatetime", None)
    if callable(to_py):
        value = to_py()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        if value.time() == dt.time():
            return value.date()
        return value
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (str, bytes)):
        value = item()
    if isinstance(value, (bool, int, float, str, dt.date)):
        return value
    return str(value)


def _width(value: object) -> int:
    """Columns a value takes on screen: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in _text(value))


def to_xlsx(value: object, *, lang: Lang = "zh") -> bytes:
    """An Excel workbook (``.xlsx``) of the tables of a bulletin or a circular (one sheet each),
    of a :class:`Table`, a :class:`govops.scenarios.Table` or a pandas ``DataFrame``.

    Each sheet has the title in its first row, the header in bold in the second (frozen), then
    the rows with dates and numbers as Excel values, and columns wide enough for their text.
    """
    openpyxl = _optional_import("openpyxl", extra="office", purpose="Excel export")
    styles = _optional_import("openpyxl.styles", extra="office", purpose="Excel export")
    utils = _optional_import("openpyxl.utils", extra="office", purpose="Excel export")
    title, tables = _tables(value, lang)
    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = styles.Font(bold=True)
    fill = styles.PatternFill("solid", fgColor="DDDDDD")
    for table in tables or [Table(title, (), ())]:
        sheet = book.create_sheet(_sheet_name(table.name, used))
        sheet.append([title if table.name == title else f"{title} — {table.name}"])
        sheet["A1"].font = styles.Font(bold=True, size=14)
        if len(table.header) > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.header))
        sheet.append(list(table.header))
        for cell in sheet[2]:
            cell.font, cell.fill = bold, fill
            cell.alignment = styles.Alignment(horizontal="center")
        for row in table.rows:
            sheet.append([_cell_value(v) for v in row])
        for r in sheet.iter_rows(min_row=3):
            for cell in r:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for c, name in enumerate(table.header, 1):
            widest = max((_width(row[c - 1]) for row in table.rows), default=0)
            sheet.column_dimensions[utils.get_column_letter(c)].width = min(
                60, max(_width(name), widest, 4) + 2
            )
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, (bool, int, float, str, dt.date)):
        return value
    return _text(value)


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique in the book;
    added to ``used``."""
    base = name.translate(_SHEET_FORBIDDEN).strip("'")[:31] or "Sheet"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate)
    return candidate
