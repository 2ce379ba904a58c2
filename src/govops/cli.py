"""The ``govops`` command (an edge module: it reads argv and prints)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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

    print("\n".join(demo_lines()))
    return 0


def _month(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 12:
        raise argparse.ArgumentTypeError(f"month {value} is not 1–12")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govops",
        description="Working-day calendars, deadline rules and supervision for Chinese government offices.",
    )
    parser.add_argument("--version", action="version", version=f"govops {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("calendar", help="print a year or a month as a wall calendar (休/班 marked)")
    p.add_argument("year", type=int)
    p.add_argument("--month", type=_month, help="one month only, with its named days")
    p.add_argument("--subdiv", default=None, help="a subdivision of the country")
    add_calendar_options(p)
    p.set_defaults(func=_cmd_calendar)

    p = sub.add_parser("demo", help="the library's main job on built-in data")
    p.set_defaults(func=_cmd_demo)

    add_rule_parsers(sub)
    add_scenario_parsers(sub)
    add_schedule_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input, with a one-line reason)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CalendarCoverageError as exc:
        print(f"govops: error: {coverage_message(exc)}", file=sys.stderr)
        return 2
    except GovopsError as exc:
        print(f"govops: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
