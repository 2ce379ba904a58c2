"""The rule-language commands of ``govops`` (an edge module: it prints).

``add_parsers`` registers ``due``, ``occurrences`` and ``explain`` on the ``govops`` argument
parser; ``demo_rules_lines`` is the rule-language part of ``govops demo``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

import attrs

from ._cli_schedule import add_calendar_options, calendar_from_args
from .calendars import WorkCalendar, calendar
from .exceptions import InvalidInputError
from .rules import parse_rule

__all__ = ["add_parsers", "cmd_due", "cmd_explain", "cmd_occurrences", "demo_rules_lines"]

_WD_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WD_ZH = "一二三四五六日"


def _out(value: object) -> None:
    sys.stdout.write(f"{value}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def _day(d: dt.date, lang: str, *, provisional: bool = False) -> str:
    """A date with its weekday; a date computed from estimated holidays says so."""
    if lang == "zh":
        return f"{d.isoformat()}（周{_WD_ZH[d.weekday()]}）" + (
            "【临时：按估算的节假日】" if provisional else ""
        )
    return f"{d.isoformat()} ({_WD_EN[d.weekday()]})" + (
        " [provisional: estimated holidays]" if provisional else ""
    )


def _calendar(args: argparse.Namespace) -> WorkCalendar:
    return calendar_from_args(args)


def cmd_due(args: argparse.Namespace) -> int:
    """``govops due RULE --from DATE [--explain] [--lang zh]``."""
    rule = parse_rule(args.rule)
    cal = _calendar(args)
    lang = args.lang or rule.lang
    if args.explain:
        _out(rule.explain(args.trigger, calendar=cal, lang=lang))
    else:
        # The explanation knows whether any day the count passed over was an estimate.
        explanation = rule.explain(args.trigger, calendar=cal, lang=lang)
        _out(_day(explanation.due, lang, provisional=explanation.provisional))
    return 0


def cmd_occurrences(args: argparse.Namespace) -> int:
    """``govops occurrences RULE --from DATE --to DATE``: one date per line."""
    if args.end < args.start:
        raise InvalidInputError(f"--to {args.end} is before --from {args.start}")
    rule = parse_rule(args.rule)
    lang = args.lang or rule.lang
    cal = _calendar(args)
    for d in rule.occurrences(args.start, args.end, calendar=cal):
        _out(_day(d, lang, provisional=cal.is_provisional(d)))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """``govops explain RULE --from DATE [--lang zh]``."""
    rule = parse_rule(args.rule)
    _out(rule.explain(args.trigger, calendar=_calendar(args), lang=args.lang or rule.lang))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("rule", help='the rule text, e.g. "within 2 days" or "会后两日内报送"')
    p.add_argument("--lang", choices=("en", "zh"), help="output language (default: the rule's)")
    add_calendar_options(p)


def add_parsers(subparsers: Any) -> None:
    """Register the ``due``, ``occurrences`` and ``explain`` subcommands."""
    p = subparsers.add_parser("due", help="the due date of a rule for an event on a date")
    _common(p)
    p.add_argument("--from", dest="trigger", type=_date, required=True, metavar="DATE")
    p.add_argument("--explain", action="store_true", help="show each step of the computation")
    p.set_defaults(func=cmd_due)

    p = subparsers.add_parser("occurrences", help="every date of a schedule in a date range")
    _common(p)
    p.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="end", type=_date, required=True, metavar="DATE")
    p.set_defaults(func=cmd_occurrences)

    p = subparsers.add_parser("explain", help="how a rule reaches its due date, step by step")
    _common(p)
    p.add_argument("--from", dest="trigger", type=_date, required=True, metavar="DATE")
    p.set_defaults(func=cmd_explain)


# The town rules of 乡镇运行保障机制实施意见 (../shared/policies/000) and the disclosure rule of the
# key-project plans (004), with a trigger for each explanation chosen where a holiday matters.
_DEMO = (
    ("班子成员碰头会 / weekly leadership meeting", "每周星期一召开", dt.date(2026, 9, 30)),
    ("月调度会议 / monthly dispatch meeting", "每月底后两天召开", dt.date(2026, 4, 30)),
    ("季汇报 / quarterly report", "每季度末后两天提报", dt.date(2026, 9, 30)),
    ("会议落实计划 / implementation plan", "会后两日内报送", dt.date(2026, 2, 13)),
    ("政府信息公开 / disclosure", "自形成之日起20个工作日内公开", dt.date(2026, 9, 18)),
)


def demo_rules_lines() -> list[str]:
    """The rule-language demo: the town's rules, their 2026 dates and one explanation each."""
    cal = calendar("CN")
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    lines = ["Rules of a town government (2026, CN calendar)", ""]
    for title, text, trigger in _DEMO:
        rule = parse_rule(text)
        lines.append(f"{title}: {text}  —  {rule.to_text('en')}")
        if rule.is_schedule:
            dates = rule.occurrences(start, end, calendar=cal)
            nominal = attrs.evolve(rule, roll="none").occurrences(start, end, calendar=cal)
            roll = rule.effective_roll or "none"
            moved = [(a, cal.roll(a, roll)) for a in nominal if not cal.is_working_day(a)]
            lines.append(f"  {len(dates)} dates in 2026:")
            for i in range(0, len(dates), 9):
                chunk = dates[i : i + 9]
                lines.append("    " + " ".join(d.strftime("%m-%d") for d in chunk))
            if moved:
                lines.append(
                    "  moved off a rest day: " + ", ".join(f"{a:%m-%d}→{b:%m-%d}" for a, b in moved)
                )
        else:
            due = rule.due(trigger, calendar=cal)
            lines.append(f"  an event on {_day(trigger, 'en')} is due {_day(due, 'en')}")
        lines.extend("  " + line for line in rule.explain(trigger, calendar=cal).lines())
        lines.append("")
    return lines
