"""Holiday schedules on the command line (an edge module: it reads and writes files and prints).

``add_calendar_options`` gives a command ``--schedule FILE`` (repeatable: a notice's text or a TOML
schedule), ``--provisional`` and ``--published-through YEAR``; ``calendar_from_args`` builds the
calendar they ask for.
``add_parsers`` registers ``govops schedule import NOTICE.txt [--out FILE.toml]``, which reads a
newly published notice, prints the year as a wall calendar for review and writes the TOML file.
``coverage_message`` words a :class:`~govops.CalendarCoverageError` in terms of those options.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import Any

from ._grid import legend, year_grid
from .calendars import HolidaySchedule, WorkCalendar, calendar
from .exceptions import CalendarCoverageError, ConfigError, GovopsError
from .loaders import format_schedule, load_schedule

__all__ = [
    "add_calendar_options",
    "add_parsers",
    "calendar_from_args",
    "cmd_schedule_import",
    "coverage_message",
    "schedules_from_args",
    "with_schedules",
]


def _out(text: str) -> None:
    sys.stdout.write(f"{text}\n")


def add_calendar_options(p: argparse.ArgumentParser, *, country: bool = True) -> None:
    """``--schedule FILE`` (repeatable), ``--provisional``, ``--published-through YEAR`` and,
    unless told not to, ``--country``."""
    if country:
        p.add_argument("--country", default="CN", help="a holidays country code (default CN)")
    p.add_argument(
        "--schedule",
        action="append",
        default=[],
        metavar="FILE",
        help="load a newly published holiday schedule: the State Council notice as text, or a "
        "TOML file written by `govops schedule import` (repeatable, one per year)",
    )
    p.add_argument(
        "--provisional",
        action="store_true",
        help="allow rule-based estimates for years whose schedule is not published (every "
        "result that uses one is marked provisional)",
    )
    p.add_argument(
        "--published-through",
        type=int,
        metavar="YEAR",
        help="take the official holiday data only through YEAR, as it stood before later "
        "notices, whatever the installed holidays release carries (reproduces earlier results)",
    )


def schedules_from_args(args: argparse.Namespace) -> list[HolidaySchedule]:
    """The schedules of ``--schedule``, read in the order given."""
    return [load_schedule(path) for path in args.schedule]


def with_schedules(cal: WorkCalendar, schedules: Sequence[HolidaySchedule]) -> WorkCalendar:
    """``cal`` with each schedule loaded, earliest year first (schedules load in year order)."""
    for schedule in sorted(schedules, key=lambda s: s.year):
        cal = schedule.apply_to(cal)
    return cal


def calendar_from_args(args: argparse.Namespace) -> WorkCalendar:
    """The calendar of ``--country`` (and ``--subdiv``), ``--provisional``,
    ``--published-through`` and every ``--schedule``."""
    cal = calendar(
        args.country,
        getattr(args, "subdiv", None),
        provisional=args.provisional,
        published_through=args.published_through,
    )
    return with_schedules(cal, schedules_from_args(args))


def coverage_message(exc: CalendarCoverageError, args: argparse.Namespace) -> str:
    """The error for the command line: the same facts, with the options that fix it rather than
    the Python calls the library's message ends with.

    An error re-raised with context (``rule '…': <the calendar's error>``) keeps its context.
    """
    inner: BaseException | None = exc
    while inner is not None and getattr(inner, "reason", None) is None:
        inner = inner.__cause__
    provisional = getattr(args, "provisional", False)
    if (
        isinstance(inner, CalendarCoverageError)
        and inner.published_through is not None
        and not provisional
    ):  # a year whose notice can be loaded
        outer, own = str(exc), str(inner)
        context = outer[: -len(own)] if outer.endswith(own) else ""
        first = inner.published_through + 1
        years = str(first) if inner.year == first else f"{first}–{inner.year}"
        return (
            f"{context}{inner.reason}. Load the State Council notice of {years} with "
            "--schedule NOTICE.txt (its text as published, or the TOML file that `govops "
            "schedule import NOTICE.txt --out FILE.toml` writes; repeat --schedule for each "
            "year), or pass --provisional to compute with rule-based estimates, every result "
            "marked provisional"
        )
    # Before the data, or past what estimates reach: the facts, without the Python advice.
    message = str(exc)
    for advice in (". Either ", "; build ", "; pass "):
        message = message.split(advice)[0]
    country = getattr(args, "country", "CN")
    try:
        estimates = calendar(country, getattr(args, "subdiv", None), provisional=True)
    except GovopsError:  # pragma: no cover - the command built this calendar already
        return message
    if exc.year < estimates.first_year:
        return f"{message}; govops has no {country} calendar data before {estimates.first_year}"
    if not provisional and exc.year <= estimates.last_year:
        return f"{message}; pass --provisional to compute with rule-based estimates, each flagged"
    return f"{message}; govops estimates {country} holidays only through {estimates.last_year}"


def cmd_schedule_import(args: argparse.Namespace) -> int:
    """``govops schedule import NOTICE.txt [--out FILE.toml]``."""
    schedule = load_schedule(args.notice)
    base = calendar_from_args(args)
    cal = schedule.apply_to(base)
    kind = "estimate (provisional)" if schedule.provisional else "official arrangement"
    issued = f", issued {schedule.issued.isoformat()}" if schedule.issued else ""
    _out(f"{schedule.year} holiday schedule: {schedule.source}{issued} ({kind})")
    _out(
        f"  {len(schedule.holidays)} days off, {len(schedule.workdays)} make-up workdays"
        + (
            ": " + ", ".join(f"{d:%m-%d} ({d:%a})" for d, _, _ in schedule.workdays)
            if schedule.workdays
            else ""
        )
    )
    _out("")
    _out("\n".join([*year_grid(cal, schedule.year), "", *legend(cal, schedule.year)]))
    against, changed = _changed_days(base, cal, schedule.year, args.published_through)
    if changed:
        _out(f"\n{len(changed)} days differ from {against}:")
        _out("\n".join(changed))
    if args.out:
        if os.path.exists(args.out) and not args.force:
            raise ConfigError(
                f"{args.out} exists; pass --force to replace it, or choose another --out",
                path=args.out,
            )
        text = format_schedule(schedule)
        try:
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise ConfigError(
                f"cannot write schedule file {args.out!r}: {exc.strerror}", path=args.out
            ) from exc
        _out(f"\nwritten to {args.out}: use it with --schedule {args.out}")
    else:
        _out("\nreview the calendar above, then write it with --out FILE.toml")
    return 0


def _changed_days(
    before: WorkCalendar, after: WorkCalendar, year: int, published_through: int | None
) -> tuple[str, list[str]]:
    """The days of ``year`` (and the December before) the schedule turns from working to rest or
    back: against ``before``, or against the provisional estimate where ``before`` stops (on the
    data of ``--published-through``)."""
    against = f"the {year} data loaded before"
    if not before.covers(dt.date(year, 12, 31)):
        before = calendar(
            before.country,
            before.subdiv,
            provisional=True,
            last_year=year,
            published_through=published_through,
        )
        against = f"the provisional estimate of {year} (what --provisional used)"
    elif before.is_provisional(dt.date(year, 1, 1)):
        against = f"the provisional estimate of {year} (what --provisional used)"
    lines = []
    day, last = dt.date(year - 1, 12, 1), dt.date(year, 12, 31)
    while day <= last:
        was, now = before.is_working_day(day), after.is_working_day(day)
        if was != now:
            info = after.describe(day)
            what = "now a working day" if now else "now a rest day"
            name = info.name_zh or ("周末" if day.weekday() >= 5 else "工作日")
            lines.append(f"  {day.isoformat()} {day:%a}: {what} ({name})")
        day += dt.timedelta(days=1)
    return against, lines


def add_parsers(subparsers: Any) -> None:
    """Register ``schedule import`` on ``govops``'s subparsers."""
    p = subparsers.add_parser("schedule", help="load a newly published holiday schedule")
    sub = p.add_subparsers(dest="schedule_command", required=True, metavar="ACTION")
    imp = sub.add_parser(
        "import",
        help="read the State Council's holiday notice, show the year, write it as TOML",
    )
    imp.add_argument("notice", metavar="NOTICE.txt", help="the notice's text as published")
    imp.add_argument("--out", metavar="FILE.toml", help="write the schedule to this TOML file")
    imp.add_argument("--force", action="store_true", help="replace --out if it exists")
    add_calendar_options(imp)
    imp.set_defaults(func=cmd_schedule_import)
