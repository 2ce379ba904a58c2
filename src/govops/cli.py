"""The ``govops`` command (an edge module: it reads argv and prints).

Every error, whether in the arguments, the input or a file, is one line on stderr starting
``govops: error:`` (rule text adds its caret under the problem) and exit status 2; its advice names
the command's flags, not Python calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import __version__
from ._cli_rules import add_parsers as add_rule_parsers
from ._cli_scenario import add_parsers as add_scenario_parsers
from ._cli_schedule import add_calendar_options, calendar_from_args, coverage_message
from ._cli_schedule import add_parsers as add_schedule_parsers
from ._grid import legend, month_grid, month_notes, year_grid
from .exceptions import CalendarCoverageError, GovopsError

__all__ = ["main"]


def _cmd_calendar(args: argparse.Namespace) -> int:
    cal = calendar_from_args(args)
    if args.year < cal.first_year or args.year >= dt.MAXYEAR:  # no date there to compute on
        raise CalendarCoverageError(
            f"{args.year} is outside {cal.first_year}–{cal.last_year}, the years of the "
            f"{cal.country} calendar data",
            year=args.year,
        )
    if args.ics:
        from .meetings import calendar_feed

        first = dt.date(args.year, args.month or 1, 1)
        last = dt.date(args.year, args.month or 12, 1) + dt.timedelta(days=31)
        last = last.replace(day=1) - dt.timedelta(days=1)
        sys.stdout.write(calendar_feed(cal, first, last).decode())
        return 0
    lines: list[str] = []
    if args.month:
        lines += month_grid(cal, args.year, args.month)
        notes = month_notes(cal, args.year, args.month)
        if notes:
            lines += ["", *notes]
    else:
        lines += year_grid(cal, args.year)
    lines += ["", *legend(cal, args.year)]
    print("\n".join(lines))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from ._demo import demo_lines

    print("\n".join(demo_lines(calendar_from_args(args))))
    return 0


def _month(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 12:
        raise argparse.ArgumentTypeError(f"month {value} is not 1–12")
    return value


class _UsageError(Exception):
    """Arguments argparse refuses; main() reports them as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: error: {message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="govops",
        description="Working-day calendars, deadline rules and supervision for Chinese government offices.",
    )
    parser.add_argument("--version", action="version", version=f"govops {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("calendar", help="print a year or a month as a wall calendar (休/班 marked)")
    p.add_argument("year", type=int)
    p.add_argument("--month", type=_month, help="one month only, with its named days")
    p.add_argument("--subdiv", default=None, help="a subdivision of the country")
    p.add_argument(
        "--ics",
        action="store_true",
        help="write the year (or month) as an iCalendar feed of 休 and 班 days, for calendar apps",
    )
    add_calendar_options(p)
    p.set_defaults(func=_cmd_calendar)

    p = sub.add_parser("demo", help="the library's main job on built-in data")
    add_calendar_options(p, country=False)
    p.set_defaults(func=_cmd_demo, country="CN", subdiv=None)

    add_rule_parsers(sub)
    add_scenario_parsers(sub)
    add_schedule_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input, with a one-line reason)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except CalendarCoverageError as exc:
        return _fail(coverage_message(exc, args))
    except GovopsError as exc:
        return _fail(str(exc))
    except OSError as exc:  # writing --out files
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")


def _fail(message: str) -> int:
    print(f"govops: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
