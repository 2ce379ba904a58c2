"""Loading data from files (an edge module: it reads the file system).

A holiday schedule file holds one year's arrangement as the State Council notice states it, so an
office can use a newly announced year the day it is published::

    year = 2027
    source = "国办发明电〔2026〕N号"

    [[holidays]]
    name = "元旦"
    name_en = "New Year's Day"
    from = 2027-01-01
    to = 2027-01-03

    [[workdays]]
    date = 2027-02-07
    name = "春节调休上班"

``to`` is optional (a single day); ``name_en`` is optional. Dates are TOML local dates. Two more
keys are optional: ``issued``, the date the notice was signed, and ``provisional = true`` for an
estimate rather than a published arrangement. :func:`format_schedule` writes this form back out.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import unicodedata
from typing import Any

from .calendars import HolidaySchedule, parse_notice
from .exceptions import ConfigError, NoticeError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "HolidaySchedule",
    "format_schedule",
    "load_schedule",
    "parse_schedule",
    "parse_toml",
    "read_text",
]


def read_text(path: str | os.PathLike[str], *, what: str) -> tuple[str, str]:
    """The name and UTF-8 text of a file; a file that cannot be read is a ``ConfigError``.

    The one place where govops opens files; ``what`` names the kind of file in the message. A
    byte order mark (which some editors write before Chinese text) is dropped; line ends become
    ``\\n``. Bytes that are not UTF-8 are refused with their line and column.
    """
    try:
        name = os.fspath(path)
    except TypeError:
        raise ConfigError(f"{what} file {path!r} is not a path") from None
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot read {what} file {name!r}: {reason}", path=name) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + 3 if data.startswith(b"\xef\xbb\xbf") else exc.start
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise ConfigError(
            f"{name}:{line}:{column}: byte {data[start : start + 1].hex()} is not UTF-8; "
            f"save the {what} file as UTF-8",
            path=name,
            line=line,
            column=column,
        ) from exc
    return name, text.replace("\r\n", "\n").replace("\r", "\n")


_TOML_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text: str, *, path: str) -> dict[str, Any]:
    """The TOML ``text`` as a dict; a syntax error is a ``ConfigError`` with the line, the column
    and a caret under the problem.

    >>> parse_toml('year = 2027\\nsource = 国办', path="2027.toml")
    Traceback (most recent call last):
    ...
    govops.exceptions.ConfigError: 2027.toml:2:10: not valid TOML: Invalid value
        source = 国办
                 ^
    """
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_WHERE.search(str(exc))
        if where is None:  # pragma: no cover - tomllib always says where
            raise ConfigError(f"{path}: not valid TOML: {exc}", path=path) from exc
        line, column = int(where.group(1)), int(where.group(2))
        lines = text.split("\n")
        shown = lines[line - 1] if line <= len(lines) else ""
        message = _TOML_WHERE.sub("", str(exc)).strip()
        # The caret sits under the column as a terminal shows it: CJK characters are two wide.
        pad = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in shown[: column - 1])
        raise ConfigError(
            f"{path}:{line}:{column}: not valid TOML: {message}\n    {shown}\n    {' ' * pad}^",
            path=path,
            line=line,
            column=column,
        ) from exc


def load_schedule(path: str | os.PathLike[str]) -> HolidaySchedule:
    """Read a holiday schedule: a TOML file (``*.toml``), or the State Council notice's text.

    A TOML file is read by :func:`parse_schedule`, any other file as the notice as published, by
    :func:`govops.parse_notice`. Errors name the file and the line.
    """
    name, text = read_text(path, what="schedule")
    if not name.lower().endswith(".toml"):
        try:
            return parse_notice(text)
        except NoticeError as exc:
            raise NoticeError(
                f"{name}: {exc}", text=exc.text, line=exc.line, column=exc.column, clause=exc.clause
            ) from exc
    return parse_schedule(text, path=name)


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(needle):
            return number
    return None


def parse_schedule(text: str, *, path: str = "<string>") -> HolidaySchedule:
    """Parse the TOML text of a holiday schedule (see the module docstring for the format).

    >>> s = parse_schedule('''
    ... year = 2027
    ... source = "国办发明电〔2026〕N号"
    ... [[holidays]]
    ... name = "元旦"
    ... from = 2027-01-01
    ... ''')
    >>> s.year, s.holidays
    (2027, ((datetime.date(2027, 1, 1), '元旦', '元旦'),))
    """
    data = parse_toml(text, path=path)

    def fail(key: str, message: str, needle: str | None = None) -> ConfigError:
        line = _line_of(text, needle or key.split(".")[-1].split("[")[0])
        where = f"{path}:{line}" if line else path
        return ConfigError(f"{where}: {key}: {message}", path=path, key=key, line=line)

    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise fail("year", f"expected the schedule's year as an integer, got {year!r}")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise fail("source", "expected the notice's document number, e.g. '国办发明电〔2026〕N号'")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown key; expected {', '.join(sorted(_TOP_KEYS))}")
    issued = data.get("issued")
    if issued is not None:
        issued = _date(issued, "issued", fail)
    provisional = data.get("provisional", False)
    if not isinstance(provisional, bool):
        raise fail("provisional", f"expected true or false, got {provisional!r}")

    def entries(key: str, allowed: set[str]) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise fail(key, f"expected [[{key}]] tables", f"[[{key}]]")
        for i, item in enumerate(value):
            extra = sorted(set(item) - allowed)
            if extra:
                raise fail(
                    f"{key}[{i}].{extra[0]}",
                    f"unknown key; expected {', '.join(sorted(allowed))}",
                    extra[0],
                )
        return value

    holidays: list[tuple[dt.date, str, str]] = []
    for i, item in enumerate(entries("holidays", {"name", "name_en", "from", "to"})):
        key = f"holidays[{i}]"
        zh, en = _names(item, key, fail)
        start = _date(item.get("from"), f"{key}.from", fail)
        end = _date(item.get("to", start), f"{key}.to", fail)
        if end < start:
            raise fail(f"{key}.to", f"{end} is before from = {start}", "to")
        day = start
        while day <= end:
            holidays.append((day, zh, en))
            day += dt.timedelta(days=1)
    workdays = []
    for i, item in enumerate(entries("workdays", {"date", "name", "name_en"})):
        key = f"workdays[{i}]"
        zh, en = _names(item, key, fail)
        workdays.append((_date(item.get("date"), f"{key}.date", fail), zh, en))
    return HolidaySchedule(
        year,
        source,
        tuple(holidays),
        tuple(workdays),
        issued=issued,
        provisional=provisional,
    )


_TOP_KEYS = {"year", "source", "issued", "provisional", "holidays", "workdays"}


def format_schedule(schedule: HolidaySchedule) -> str:
    """The TOML text of a schedule: ``parse_schedule(format_schedule(s)) == s``.

    Consecutive days off of one festival are written as one ``from``/``to`` block.

    >>> from govops.calendars import parse_notice
    >>> s = parse_notice("国务院办公厅关于2026年部分节假日安排的通知\\n"
    ...                  "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。")
    >>> print(format_schedule(s))
    year = 2026
    source = "国务院办公厅关于2026年部分节假日安排的通知"
    <BLANKLINE>
    [[holidays]]
    name = "元旦"
    name_en = "New Year's Day"
    from = 2026-01-01
    to = 2026-01-03
    <BLANKLINE>
    [[workdays]]
    date = 2026-01-04
    name = "元旦调休上班"
    name_en = "Make-up workday for New Year's Day"
    <BLANKLINE>
    >>> parse_schedule(format_schedule(s)) == s
    True
    """
    lines = [f"year = {schedule.year}", f"source = {_toml_str(schedule.source)}"]
    if schedule.issued is not None:
        lines.append(f"issued = {schedule.issued.isoformat()}")
    if schedule.provisional:
        lines.append("provisional = true")
    runs: list[list[tuple[dt.date, str, str]]] = []
    for entry in schedule.holidays:
        last = runs[-1][-1] if runs else None
        if last and last[1:] == entry[1:] and entry[0] == last[0] + dt.timedelta(days=1):
            runs[-1].append(entry)
        else:
            runs.append([entry])
    for run in runs:
        first, zh, en = run[0]
        lines += ["", "[[holidays]]", f"name = {_toml_str(zh)}"]
        if en != zh:
            lines.append(f"name_en = {_toml_str(en)}")
        lines.append(f"from = {first.isoformat()}")
        if len(run) > 1:
            lines.append(f"to = {run[-1][0].isoformat()}")
    for day, zh, en in schedule.workdays:
        lines += ["", "[[workdays]]", f"date = {day.isoformat()}", f"name = {_toml_str(zh)}"]
        if en != zh:
            lines.append(f"name_en = {_toml_str(en)}")
    return "\n".join(lines) + "\n"


def _toml_str(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for the characters a name holds)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def _names(item: dict[str, Any], key: str, fail: Any) -> tuple[str, str]:
    zh = item.get("name")
    if not isinstance(zh, str) or not zh.strip():
        raise fail(f"{key}.name", f"expected a name, got {zh!r}", "name")
    en = item.get("name_en", zh)
    if not isinstance(en, str) or not en.strip():
        raise fail(f"{key}.name_en", f"expected an English name, got {en!r}", "name_en")
    return zh, en


def _date(value: object, key: str, fail: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise fail(key, f"expected a TOML date such as 2027-01-01, got {value!r}")
